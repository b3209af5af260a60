import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const TOP_LEVEL = ['src', 'adapters', 'flows', 'kb', 'test', 'nlu', 'scripts', 'bin'];

describe('folder READMEs', () => {
  it.each(TOP_LEVEL)('%s/ has a README', (dir) => {
    expect(existsSync(resolve(root, dir, 'README.md'))).toBe(true);
  });

  it('every adapter folder has a README', () => {
    const adapters = readdirSync(resolve(root, 'adapters'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    expect(
      adapters.filter((d) => !existsSync(resolve(root, 'adapters', d.name, 'README.md'))).map((d) => d.name),
    ).toEqual([]);
  });

  it('every repository path a README mentions in backticks exists', () => {
    const readmes = ['README.md', ...TOP_LEVEL.map((d) => `${d}/README.md`)].filter((p) =>
      existsSync(resolve(root, p)),
    );
    const missing: string[] = [];
    for (const readme of readmes) {
      const text = readFileSync(resolve(root, readme), 'utf8');
      for (const [, path] of text.matchAll(
        /`((?:src|adapters|flows|kb|test|nlu|scripts|bin|\.ci)\/[\w./-]*)`/g,
      )) {
        if (path && !path.includes('*') && !existsSync(resolve(root, path)))
          missing.push(`${readme}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

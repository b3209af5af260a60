import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.ts';

const root = resolve(import.meta.dirname, '../..');

describe('.env.example and README mirror the config schema', () => {
  const example = readFileSync(resolve(root, '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

  it('documents every variable the schema reads, and nothing else', () => {
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('lists every variable in the README configuration table', () => {
    const missing = CONFIG_VARIABLES.filter((v) => !readme.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });
});

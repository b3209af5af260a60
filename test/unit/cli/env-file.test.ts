import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvFileIfPresent, packageVersion } from '../../../src/cli/env-file.ts';

const VARS = ['SB_DOTENV_FROM_FILE', 'SB_DOTENV_REAL_WINS', 'SB_DOTENV_EMPTY_WINS', 'SB_DOTENV_QUOTED'];

describe('loadEnvFileIfPresent', () => {
  const dirs: string[] = [];
  const fileWith = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-dotenv-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.env'), text);
    return join(dir, '.env');
  };
  afterEach(() => {
    for (const v of VARS) delete process.env[v];
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('adds variables from the file, but a variable already in the environment wins, even when empty', () => {
    process.env.SB_DOTENV_REAL_WINS = 'from-environment';
    process.env.SB_DOTENV_EMPTY_WINS = '';
    const path = fileWith(
      [
        '# comment',
        'SB_DOTENV_FROM_FILE=from-file',
        'SB_DOTENV_REAL_WINS=from-file',
        'SB_DOTENV_EMPTY_WINS=from-file',
        'SB_DOTENV_QUOTED="two words"',
      ].join('\n'),
    );
    expect(loadEnvFileIfPresent(path)).toBe(true);
    expect(process.env.SB_DOTENV_FROM_FILE).toBe('from-file');
    expect(process.env.SB_DOTENV_REAL_WINS).toBe('from-environment');
    expect(process.env.SB_DOTENV_EMPTY_WINS).toBe('');
    expect(process.env.SB_DOTENV_QUOTED).toBe('two words');
  });

  it('does nothing when there is no file', () => {
    expect(loadEnvFileIfPresent(join(tmpdir(), 'sb-no-such-dir', '.env'))).toBe(false);
  });

  it('throws when the path exists but cannot be read as a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-dotenv-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.env'));
    expect(() => loadEnvFileIfPresent(join(dir, '.env'))).toThrow();
  });
});

describe('packageVersion', () => {
  it('is the version in package.json', async () => {
    const { default: pkg } = await import('../../../package.json', { with: { type: 'json' } });
    expect(packageVersion()).toBe(pkg.version);
  });
});

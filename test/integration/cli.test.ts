import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/process.ts';

const BIN = resolve(REPO_ROOT, 'bin/switchboard.js');

/** Runs the real CLI with exactly `env` (plus PATH and HOME) and collects its output. */
function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // Should configuration unexpectedly pass, `start` would serve forever: never leave it running.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    }),
  );
}

describe('switchboard CLI', () => {
  const version = (
    JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;

  it.each(['--version', '-V'])('%s prints the package.json version', async (flag) => {
    const result = await run([flag]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  describe('.env in the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-dotenv-'));
    // Both values are invalid, so `start` stops at configuration and names what it read.
    writeFileSync(join(dir, '.env'), 'PORT=70000\nBODY_LIMIT_BYTES=1\n');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is loaded before the configuration is parsed', async () => {
      const result = await run(['start'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('PORT');
      expect(result.stderr).toContain('BODY_LIMIT_BYTES');
    });

    it('loses to the real environment', async () => {
      const result = await run(['start'], { cwd: dir, env: { PORT: '4000' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('BODY_LIMIT_BYTES');
      expect(result.stderr).not.toContain('PORT');
    });
  });
});

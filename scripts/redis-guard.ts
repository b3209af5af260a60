import { type ChildProcess, spawn } from 'node:child_process';
import { constants, accessSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Starting a private `redis-server` that cannot outlive us, shared by the test global
 * setup (`test/global-setup.ts`) and the benchmarks (`scripts/bench-redis.ts`).
 *
 * The shell keeps stdin open to us; when the pipe closes (a stop, or our process dying
 * even by SIGKILL) `cat` returns and the server is stopped: no orphaned redis-server.
 */
const GUARD = '"$@" & pid=$!; cat >/dev/null; kill "$pid" 2>/dev/null; wait "$pid"';

export function spawnGuarded(binary: string, args: readonly string[]): ChildProcess {
  const child = spawn('sh', ['-c', GUARD, 'redis-guard', binary, ...args], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => {});
  return child;
}

export async function stopGuarded(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The absolute path of an executable on PATH, if any. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

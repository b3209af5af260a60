import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Runs `node bin/switchboard.js start` with exactly `env` (plus PATH and HOME). */
export function spawnBot(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['bin/switchboard.js', 'start'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => out, exit };
}

/** Starts the bot and waits until `/healthz` answers (or fails after `timeoutMs`). */
export async function startBot(env: Record<string, string>, timeoutMs = 45_000): Promise<BotProcess> {
  const port = await freePort();
  const { child, output, exit } = spawnBot({ ...env, PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`bot exited before becoming healthy:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot not healthy within ${timeoutMs} ms:\n${output()}`);
    }
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

export async function sandboxSay(
  base: string,
  conversationId: string,
  text: string,
): Promise<{
  replies: { text: string; choices?: { id: string }[] }[];
  state: string;
  debug: { intent: string | null; kb: { id: string; score: number }[] };
}> {
  const res = await fetch(`${base}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId, text }),
  });
  if (!res.ok) throw new Error(`sandbox answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as never;
}

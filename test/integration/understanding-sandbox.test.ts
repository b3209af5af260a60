import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { type Runtime, createRuntime } from '../../src/main.ts';
import { REPO_ROOT } from '../helpers/process.ts';

describe('sandbox with the real local understanding and kb/', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime(loadConfig({ LOG_LEVEL: 'silent' }), { logger: silentLogger });
    await runtime.startWorkers();
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const say = (conversationId: string, text: string) => {
    if (!runtime.sandbox) throw new Error('sandbox is off');
    return runtime.sandbox.converse({ conversationId, text });
  };

  it('answers a double charge from the billing article, with its citation', async () => {
    const response = await say('u-billing', 'I was charged twice this month');
    expect(response.debug.kb[0]?.id).toBe('double-charge');
    expect(response.replies[0]?.text).toMatch(/charged twice/i);
    expect(response.replies[0]?.text).toContain('https://help.brightcart.example/articles/double-charge');
  });

  it('classifies "I want to talk to a person" as a human request and hands off', async () => {
    const response = await say('u-human', 'I want to talk to a person');
    expect(response.debug.intent).toBe('talk_to_human');
    expect(response.state).toBe('waiting_for_human');
  });

  it.each(['Can you recommend a good lasagna recipe?', 'Who won the football world cup in 1998?'])(
    'answers off-topic "%s" with what it can help with: topics as choices, no article, no handoff',
    async (question) => {
      const response = await say(`u-offtopic-${question.length}`, question);
      expect(response.state).toBe('bot');
      expect(response.replies).toHaveLength(1);
      expect(response.replies[0]?.text).toMatch(/only able to help with Brightcart questions/);
      expect(response.replies[0]?.text).not.toContain('Sources:');
      const choices = response.replies[0]?.choices?.map((c) => c.id) ?? [];
      expect(choices).toContain('sb:kb:track-order');
      expect(choices).toContain('sb:handoff');
    },
  );
});

describe('switchboard chat', () => {
  it('chats in the terminal and shows the debug block with --debug', async () => {
    const child = spawn(process.execPath, ['bin/switchboard.js', 'chat', '--debug'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stdin.write('how do I reset my password?\n');
    child.stdin.end('/quit\n');
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    expect(out).toMatch(/bot> To reset your password/);
    expect(out).toMatch(/debug: \{"state":"bot","intent":"password_reset"/);
  }, 60_000);
});

describe('switchboard kb index', () => {
  it('embeds the knowledge base once, then reuses the cache', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'sb-kb-')), 'cache');
    const run = async (): Promise<string> => {
      const child = spawn(process.execPath, ['bin/switchboard.js', 'kb', 'index'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KB_CACHE_DIR: cacheDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      expect(await new Promise<number | null>((done) => child.on('exit', done))).toBe(0);
      return out;
    };
    const first = await run();
    expect(first).toMatch(
      /Indexed \d+ articles \(\d+ chunks\) from kb in \d+ ms: [1-9]\d* texts embedded, 0 reused/,
    );
    const second = await run();
    expect(second).toMatch(/: 0 texts embedded, [1-9]\d* reused/);
  }, 60_000);
});

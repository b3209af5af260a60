import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BotProcess, REPO_ROOT, sandboxSay, spawnBot, startBot } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

const running: BotProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((b) => b.stop()));
});

describe('npm start as a real process', () => {
  it('starts with no credentials, reports adapters, and answers a KB question from kb/', async () => {
    const bot = await startBot({});
    running.push(bot);
    const out = bot.output();
    expect(out).toMatch(/sandbox\s+on/);
    expect(out).toMatch(
      /whatsapp\s+off\s+set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN/,
    );
    expect(out).toMatch(/discord\s+off\s+set DISCORD_TOKEN/);
    const response = await sandboxSay(bot.base, 'startup-kb', 'how do I reset my password?');
    expect(response.state).toBe('bot');
    expect(response.debug.kb[0]?.id).toBe('reset-password');
    const article = readFileSync(resolve(REPO_ROOT, 'kb/account-security/reset-password.md'), 'utf8');
    const reply = response.replies[0]?.text ?? '';
    // The answer quotes the article: its first sentence appears in the article body (markdown emphasis removed).
    const firstSentence = reply.split(/(?<=[.!?])\s/)[0] ?? '';
    expect(firstSentence.length).toBeGreaterThan(20);
    expect(article.replace(/\*\*/g, '').replace(/\s+/g, ' ')).toContain(firstSentence.replace(/\s+/g, ' '));
    expect((await fetch(`${bot.base}/readyz`)).status).toBe(200);
  }, 60_000);

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
  ])(
    'stops with exit code 1 naming the variable for %o',
    async (env, variable) => {
      const { exit, output } = spawnBot(env);
      expect(await exit).toBe(1);
      expect(output()).toContain(`${variable}:`);
    },
    30_000,
  );
});

describe('npm start with REDIS_URL', () => {
  const prefix = uniquePrefix('restart');
  afterAll(async () => {
    const redis = connectRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('continues a conversation in a second process after a restart, under the configured prefix', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    const first = await startBot(env);
    const asked = await sandboxSay(first.base, 'restart-1', 'where is my order?');
    expect(asked.replies[0]?.text).toMatch(/order number/i);
    expect(await first.stop()).toBe(0);

    const second = await startBot(env);
    running.push(second);
    const answered = await sandboxSay(second.base, 'restart-1', 'A1234');
    expect(answered.replies[0]?.text).toContain('A1234');

    const redis = connectRedis();
    const keys = await redis.keys(`${prefix}:*`);
    const unprefixed = await redis.keys('sb:*restart-1*');
    await redis.quit();
    // One hash tag per conversation, under the configured prefix only.
    expect(keys).toContain(`${prefix}:{c:sandbox:local:web:restart-1}:ctx`);
    expect(unprefixed).toEqual([]);
  }, 90_000);
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

function issuesOf(env: Record<string, string>): { variable: string; problem: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs with no environment at all: sandbox on, memory store, local models', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.redis.url).toBeUndefined();
    expect(config.sandbox).toBe(true);
    expect(config.openai).toBeUndefined();
    expect(config.platforms.map((p) => [p.name, p.configured])).toEqual([
      ['slack', false],
      ['whatsapp', false],
      ['discord', false],
      ['botframework', false],
    ]);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ REDIS_PREFIX: 'has space' }, 'REDIS_PREFIX'],
    [{ KB_ANSWER_THRESHOLD: '1.5' }, 'KB_ANSWER_THRESHOLD'],
    [{ SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(issuesOf(env).map((i) => i.variable)).toEqual([variable]);
  });

  it('lists every bad variable at once', () => {
    expect(
      issuesOf({ PORT: '-1', REDIS_URL: 'x' })
        .map((i) => i.variable)
        .sort(),
    ).toEqual(['PORT', 'REDIS_URL']);
  });

  it('switches a platform on only when all its variables are present, and says what is missing', () => {
    const partial = loadConfig({ WHATSAPP_ACCESS_TOKEN: 't', WHATSAPP_PHONE_NUMBER_ID: '1' });
    expect(partial.platforms.find((p) => p.name === 'whatsapp')).toMatchObject({
      configured: false,
      missing: ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
    });
    const discord = loadConfig({ DISCORD_TOKEN: 't', DISCORD_SUPPORT_CHANNEL_IDS: '1, 2,,3' });
    expect(discord.platforms.find((p) => p.name === 'discord')?.configured).toBe(true);
    expect(discord.discord.supportChannelIds).toEqual(['1', '2', '3']);
    expect(discord.sandbox).toBe(false);
    expect(loadConfig({ DISCORD_TOKEN: 't', SANDBOX: 'on' }).sandbox).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ OPENAI_API_KEY: '', REDIS_URL: '' }).openai).toBeUndefined();
  });

  it('makes platform base URLs configurable', () => {
    const config = loadConfig({
      WHATSAPP_API_URL: 'http://127.0.0.1:9999',
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(config.whatsapp.apiUrl).toBe('http://127.0.0.1:9999');
    expect(config.openai?.baseURL).toBe('http://127.0.0.1:1/v1');
  });
});

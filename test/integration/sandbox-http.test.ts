import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { type Runtime, createRuntime } from '../../src/main.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';

describe('HTTP server and sandbox API (in-memory runtime)', () => {
  let runtime: Runtime;
  let base: string;

  beforeAll(async () => {
    runtime = await createRuntime(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), {
      logger: silentLogger,
      understanding: {
        classifier: new KeywordClassifier(),
        retriever: new WordOverlapRetriever(SAMPLE_ARTICLES),
        answerer: new FirstHitAnswerer(),
      },
    });
    base = `http://127.0.0.1:${await runtime.start()}`;
  });
  afterAll(async () => {
    await runtime.stop();
  });

  const post = (body: string) =>
    fetch(`${base}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('switchboard_inbound_events_total');
  });

  it('answers a knowledge question with the documented response shape', async () => {
    const res = await post(
      JSON.stringify({
        conversationId: 'http-1',
        text: 'how do I reset my password?',
        user: { id: 'u1', name: 'Ada' },
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      replies: { text: string }[];
      state: string;
      debug: { intent: string; kb: { id: string }[] };
    };
    expect(body.state).toBe('bot');
    expect(body.replies[0]?.text).toContain('Forgot password');
    expect(body.debug.intent).toBe('password_reset');
    expect(body.debug.kb[0]?.id).toBe('reset-password');
  });

  it('hands off on request and then stays silent', async () => {
    const first = (await (
      await post(JSON.stringify({ conversationId: 'http-2', text: 'let me talk to a person' }))
    ).json()) as { state: string; replies: unknown[] };
    expect(first.state).toBe('waiting_for_human');
    expect(first.replies).toHaveLength(1);
    const second = (await (
      await post(JSON.stringify({ conversationId: 'http-2', text: 'hello?' }))
    ).json()) as { state: string; replies: unknown[] };
    expect(second).toMatchObject({ state: 'waiting_for_human', replies: [] });
  });

  it('offers choices and accepts a chosen id', async () => {
    const res = (await (
      await post(JSON.stringify({ conversationId: 'http-3', text: 'zebra quantum' }))
    ).json()) as { replies: { choices?: { id: string }[] }[] };
    const choices = res.replies[0]?.choices?.map((c) => c.id);
    expect(choices).toEqual(['sb:handoff', 'sb:dismiss']);
    const picked = (await (
      await post(JSON.stringify({ conversationId: 'http-3', text: 'No thanks', choice: 'sb:dismiss' }))
    ).json()) as { replies: { text: string }[] };
    expect(picked.replies[0]?.text).toMatch(/No problem/);
  });

  it.each([
    ['{not json', 'not valid JSON'],
    ['{"text":"hi"}', 'conversationId: is required'],
    ['{"conversationId":"x"}', 'text: is required'],
  ])('rejects %s with 400 and a message', async (body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it('answers 413 past the body limit, 404 for unknown paths, 405 for wrong methods', async () => {
    expect((await post(JSON.stringify({ conversationId: 'x', text: 'a'.repeat(2_000_000) }))).status).toBe(
      413,
    );
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/sandbox/messages`, { method: 'DELETE' })).status).toBe(405);
  });

  it('explains which variables switch an off platform endpoint on', async () => {
    const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('WHATSAPP_ACCESS_TOKEN');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/model/ticket.ts';
import { type BotProcess, startBot } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

/**
 * The sandbox desk loop across two real processes on one Redis, with the desk's
 * process restarted in the middle of the handoff: the customer talks to one process,
 * staff act through the other, and nothing is lost or done twice.
 */
describe('sandbox desk across two processes and a restart (Redis)', () => {
  const prefix = uniquePrefix('desk-procs');
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    SANDBOX: 'on',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  const bots: BotProcess[] = [];

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    const redis = connectRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  async function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('runs the loop with the customer on one process and the desk on the other, surviving a desk restart', async () => {
    const [customerSide, deskSide] = await Promise.all([startBot(env, 60_000), startBot(env, 60_000)]);
    bots.push(customerSide, deskSide);
    const customer = customerSide.base;
    const say = async (text: string, choice?: string) =>
      (
        await call(customer, 'POST', '/sandbox/messages', {
          conversationId: 'proc-1',
          text,
          ...(choice ? { choice } : {}),
        })
      ).body as { state: string; replies: { text: string }[] };
    const pending = async () =>
      (
        (await call(customer, 'GET', '/sandbox/messages?conversationId=proc-1')).body as {
          replies: { text: string; choices?: { id: string; label: string }[] }[];
        }
      ).replies;

    expect((await say('I want to talk to a human agent')).state).toBe('waiting_for_human');
    const listed = (await call(deskSide.base, 'GET', '/sandbox/desk/tickets')).body as { tickets: Ticket[] };
    const id = listed.tickets.find((t) => t.ref.threadOrUser === 'proc-1')?.id ?? '';
    expect(id).not.toBe('');

    expect(
      await call(deskSide.base, 'POST', '/sandbox/desk/claim', { ticket: id, staff: 'alice' }),
    ).toMatchObject({
      status: 200,
      body: { ok: true, ticket: { state: 'human', assignee: 'alice' } },
    });
    expect(await say('hello? my parcel never arrived')).toMatchObject({ state: 'human', replies: [] });

    // The desk's process restarts mid-handoff; its replacement carries on.
    await deskSide.stop();
    bots.splice(bots.indexOf(deskSide), 1);
    const restarted = await startBot(env, 60_000);
    bots.push(restarted);
    const read = async () =>
      (
        (await call(restarted.base, 'GET', `/sandbox/desk/tickets?id=${encodeURIComponent(id)}`)).body as {
          ticket: Ticket;
        }
      ).ticket;
    expect((await read()).thread.map((e) => e.text)).toContain('hello? my parcel never arrived');

    expect(
      await call(restarted.base, 'POST', '/sandbox/desk/reply', {
        ticket: id,
        staff: 'alice',
        text: 'Sorry! Checking now.',
      }),
    ).toMatchObject({ status: 200, body: { ok: true } });
    expect((await pending()).map((r) => r.text)).toEqual(['Sorry! Checking now.']);

    expect(
      await call(restarted.base, 'POST', '/sandbox/desk/note', {
        ticket: id,
        staff: 'alice',
        text: 'carrier lost it',
      }),
    ).toMatchObject({ status: 200 });
    expect(await pending()).toEqual([]);

    expect(
      await call(customer, 'POST', '/sandbox/desk/resolve', { ticket: id, staff: 'alice' }),
    ).toMatchObject({
      status: 200,
      body: { ok: true, ticket: { state: 'resolved', resolvedBy: 'alice' } },
    });
    const told = await pending();
    expect(told[0]?.text).toMatch(/resolved/);
    const five = told.flatMap((r) => r.choices ?? []).find((c) => c.label === '5');
    await say('5', five?.id);
    const final = await read();
    expect(final).toMatchObject({ state: 'resolved', rating: 5 });
    // Each thing happened once, whichever process did it.
    const texts = final.thread.map((e) => `${e.from}:${e.text}`);
    expect(texts.filter((t) => t === 'staff:Sorry! Checking now.')).toHaveLength(1);
    expect(texts.filter((t) => t === 'customer:hello? my parcel never arrived')).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('system:Claimed by'))).toHaveLength(1);
  }, 180_000);
});

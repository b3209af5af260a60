import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { type Runtime, createRuntime } from '../../src/main.ts';
import type { Ticket } from '../../src/model/ticket.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';

/**
 * The whole sandbox desk loop through the HTTP API, as a tester would drive it with
 * curl: a customer asks for a person → a ticket → claim → the staff reply reaches the
 * customer → an internal note does not → resolve → the customer is told and asked
 * for a rating → the rating lands on the ticket → the bot answers again.
 */
describe('sandbox desk loop over HTTP (in-memory runtime)', () => {
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

  async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const say = async (conversationId: string, text: string, choice?: string) =>
    (await call('POST', '/sandbox/messages', { conversationId, text, ...(choice ? { choice } : {}) }))
      .body as {
      replies: { text: string; choices?: { id: string; label: string }[] }[];
      state: string;
    };
  const pending = async (conversationId: string) =>
    (
      (await call('GET', `/sandbox/messages?conversationId=${conversationId}`)).body as {
        replies: { text: string; choices?: { id: string; label: string }[] }[];
      }
    ).replies;
  const ticket = async (id: string) =>
    ((await call('GET', `/sandbox/desk/tickets?id=${encodeURIComponent(id)}`)).body as { ticket: Ticket })
      .ticket;

  it('runs the whole loop: ask → ticket → claim → reply → note → resolve → rating → bot again', async () => {
    const asked = await say('loop-1', 'let me talk to a person');
    expect(asked.state).toBe('waiting_for_human');

    const listed = (await call('GET', '/sandbox/desk/tickets')).body as {
      tickets: (Ticket & { threadLength: number })[];
    };
    const card = listed.tickets.find((t) => t.ref.threadOrUser === 'loop-1');
    expect(card).toMatchObject({
      state: 'waiting_for_human',
      customer: { platform: 'sandbox' },
      channel: 'sandbox',
    });
    const id = card?.id ?? '';

    const claimed = await call('POST', '/sandbox/desk/claim', { conversationId: 'loop-1', staff: 'alice' });
    expect(claimed).toMatchObject({
      status: 200,
      body: { ok: true, ticket: { state: 'human', assignee: 'alice' } },
    });

    const quiet = await say('loop-1', 'is anyone there?');
    expect(quiet).toMatchObject({ state: 'human', replies: [] });
    expect((await ticket(id)).thread.map((e) => [e.from, e.text])).toContainEqual([
      'customer',
      'is anyone there?',
    ]);

    const replied = await call('POST', '/sandbox/desk/reply', {
      ticket: id,
      staff: 'alice',
      text: 'Hi, Alice here.',
    });
    expect(replied).toMatchObject({ status: 200, body: { ok: true } });
    expect((await pending('loop-1')).map((r) => r.text)).toEqual(['Hi, Alice here.']);
    expect((await ticket(id)).thread.at(-1)).toMatchObject({
      from: 'staff',
      text: 'Hi, Alice here.',
      by: 'alice',
    });

    const noted = await call('POST', '/sandbox/desk/note', {
      ticket: id,
      staff: 'alice',
      text: 'refund pending, do not promise dates',
    });
    expect(noted).toMatchObject({ status: 200, body: { ok: true } });
    expect((await ticket(id)).thread.at(-1)).toMatchObject({
      from: 'note',
      text: 'refund pending, do not promise dates',
    });
    expect(await pending('loop-1')).toEqual([]);

    const resolved = await call('POST', '/sandbox/desk/resolve', { ticket: id, staff: 'alice' });
    expect(resolved).toMatchObject({
      status: 200,
      body: { ok: true, ticket: { state: 'resolved', resolvedBy: 'alice' } },
    });
    const told = await pending('loop-1');
    expect(told[0]?.text).toMatch(/marked this conversation as resolved/);
    // The rating request: choices 1 to 5 (its wording is the engine's copy).
    const ratingRequest = told.find((r) => r.choices?.map((c) => c.label).join() === '1,2,3,4,5');
    expect(ratingRequest).toBeDefined();
    const rating = ratingRequest?.choices?.find((c) => c.label === '5');

    const rated = await say('loop-1', '5', rating?.id);
    expect(rated.state).not.toBe('waiting_for_human');
    expect(await ticket(id)).toMatchObject({ rating: 5 });
    expect((await ticket(id)).thread.at(-1)?.text).toBe('Customer rated 5/5 ★★★★★');

    const again = await say('loop-1', 'how do I reset my password?');
    expect(again.state).toBe('bot');
    expect(again.replies[0]?.text).toContain('Forgot password');
  });

  it('answers an action that no longer applies with the reason, and changes nothing', async () => {
    await say('loop-2', 'let me talk to a person');
    const { body } = await call('POST', '/sandbox/desk/claim', { conversationId: 'loop-2', staff: 'alice' });
    const id = (body.ticket as Ticket).id;
    const second = await call('POST', '/sandbox/desk/claim', { ticket: id, staff: 'bob' });
    expect(second).toEqual({ status: 409, body: { ok: false, reason: 'Already claimed by alice.' } });
    expect(await ticket(id)).toMatchObject({ state: 'human', assignee: 'alice' });
  });

  it('escalates once per level seen, even when clicked twice', async () => {
    // Both clicks come from the same view of the card: level 0.
    await say('loop-3', 'let me talk to a person');
    const listed = (await call('GET', '/sandbox/desk/tickets')).body as { tickets: Ticket[] };
    const id = listed.tickets.find((t) => t.ref.threadOrUser === 'loop-3')?.id ?? '';
    const [a, b] = await Promise.all([
      call('POST', '/sandbox/desk/escalate', { ticket: id, staff: 'alice', reason: 'angry', fromLevel: 0 }),
      call('POST', '/sandbox/desk/escalate', { ticket: id, staff: 'bob', fromLevel: 0 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a.body, b.body]).toContainEqual({ ok: false, reason: 'Already escalated to level 1.' });
    expect(await ticket(id)).toMatchObject({ escalationLevel: 1, priority: 'high' });
    // Without fromLevel the request escalates from what the ticket shows now.
    expect(await call('POST', '/sandbox/desk/escalate', { ticket: id, staff: 'alice' })).toMatchObject({
      status: 200,
      body: { ticket: { escalationLevel: 2 } },
    });
  });

  it('refuses a request without a staff member or ticket, and unknown tickets, without ingesting anything', async () => {
    await say('loop-4', 'let me talk to a person');
    expect(await call('POST', '/sandbox/desk/claim', { conversationId: 'loop-4' })).toEqual({
      status: 400,
      body: { error: 'staff: is required' },
    });
    expect(await call('POST', '/sandbox/desk/claim', { conversationId: 'loop-4', staff: '   ' })).toEqual({
      status: 400,
      body: { error: 'staff: must name the staff member' },
    });
    expect(await call('POST', '/sandbox/desk/claim', { staff: 'alice' })).toEqual({
      status: 400,
      body: { error: 'ticket: give the ticket id or the conversationId' },
    });
    expect(await call('POST', '/sandbox/desk/reply', { conversationId: 'loop-4', staff: 'alice' })).toEqual({
      status: 400,
      body: { error: 'text: is required' },
    });
    expect((await call('POST', '/sandbox/desk/claim', { ticket: 'hf_nope', staff: 'alice' })).status).toBe(
      404,
    );
    expect(
      (await call('POST', '/sandbox/desk/claim', { conversationId: 'nobody', staff: 'alice' })).status,
    ).toBe(404);
    expect((await call('GET', '/sandbox/desk/tickets?state=closed')).status).toBe(400);
    expect((await call('GET', '/sandbox/messages')).status).toBe(400);
    const listed = (await call('GET', '/sandbox/desk/tickets')).body as { tickets: Ticket[] };
    expect(listed.tickets.find((t) => t.ref.threadOrUser === 'loop-4')).toMatchObject({
      state: 'waiting_for_human',
    });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, formPayload, postSigned } from '../fakes/fake-slack-harness.ts';
import { FAKE_SLACK, FakeSlack, type FakeSlackCall } from '../fakes/fake-slack.ts';
import { type BotProcess, startBot } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

/**
 * The end-to-end loop, two real processes on one Redis, Slack served by a
 * local fake (`SLACK_API_URL`). The customer is a tester DMing the bot (Slack as a
 * customer channel); staff work the card in the triage channel. Requests go to one
 * process or the other on purpose, and the staff-side process is restarted in the
 * middle of the handoff: the card, the thread mapping and the dedupe live in Redis.
 */
describe('Slack desk end to end: two processes, one Redis', () => {
  const prefix = uniquePrefix('slack-e2e');
  const fake = new FakeSlack();
  const bots: BotProcess[] = [];
  let events = 0;

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await fake.stop();
    const redis = connectRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  /** Waits until the fake saw a call matching `match`; returns it. */
  async function seen(
    what: string,
    match: (c: FakeSlackCall) => boolean,
    timeoutMs = 30_000,
  ): Promise<FakeSlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = fake.calls.find(match);
      if (call) return call;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${what} within ${timeoutMs} ms; calls: ${JSON.stringify(fake.calls.map((c) => [c.method, c.args.channel, c.args.text]))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const posts = (channel: string) =>
    fake.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);
  const actionIds = (call: FakeSlackCall | undefined) =>
    (
      (call?.args.blocks ?? []) as {
        type: string;
        elements?: { action_id: string; value: string; text?: { text: string } }[];
      }[]
    )
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);

  async function send(bot: BotProcess, body: string, form = false): Promise<void> {
    const response = await postSigned(
      `${bot.base}/slack/events`,
      body,
      form ? { contentType: 'application/x-www-form-urlencoded' } : {},
    );
    expect(response.status).toBe(200);
  }
  function envelope(event: Record<string, unknown>): string {
    events += 1;
    return JSON.stringify({
      token: 'x',
      team_id: FAKE_SLACK.team,
      api_app_id: FAKE_SLACK.app,
      type: 'event_callback',
      event_id: `Ev07E2E${String(events).padStart(5, '0')}`,
      event_time: 1767229000 + events,
      authorizations: [{ team_id: FAKE_SLACK.team, user_id: FAKE_SLACK.botUserId, is_bot: true }],
      event: {
        type: 'message',
        event_ts: `${1767230000 + events}.000100`,
        ts: `${1767230000 + events}.000100`,
        ...event,
      },
    });
  }
  const dm = (text: string) =>
    envelope({ channel: FAKE_SLACK.testerDm, channel_type: 'im', user: FAKE_SLACK.tester, text });
  const threadReply = (cardTs: string, user: string, text: string) =>
    envelope({
      channel: FAKE_SLACK.triage,
      channel_type: 'channel',
      user,
      text,
      thread_ts: cardTs,
      parent_user_id: FAKE_SLACK.botUserId,
    });
  const click = (user: string, actionId: string, value: string, channel: string, messageTs: string) =>
    formPayload({
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_SLACK.team },
      api_app_id: FAKE_SLACK.app,
      team: { id: FAKE_SLACK.team, domain: 'acme-support' },
      container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
      channel: { id: channel, name: 'x' },
      trigger_id: `trig-${actionId}-${user}`,
      response_url: 'https://hooks.slack.com/actions/T07SUPPORT1/1/x',
      actions: [
        { type: 'button', action_id: actionId, block_id: 'b', value, action_ts: `${Date.now() / 1000}` },
      ],
    });

  it('runs the whole loop, each effect once, surviving a restart of one process', async () => {
    await fake.start();
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      SLACK_BOT_TOKEN: 'xoxb-e2e-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_TRIAGE_CHANNEL: FAKE_SLACK.triage,
      SLACK_ESCALATION_CHANNEL: FAKE_SLACK.escalation,
      SLACK_STAFF_USERS: FAKE_SLACK.staff,
      SLACK_API_URL: fake.url,
    };
    const [a, first] = await Promise.all([startBot(env, 60_000), startBot(env, 60_000)]);
    bots.push(a, first);
    let b = first;

    // 1. The customer asks for a person: one card with the three buttons.
    await send(a, dm('I want to talk to a human agent'));
    const card = await seen(
      'handoff card',
      (c) =>
        c.method === 'chat.postMessage' && c.args.channel === FAKE_SLACK.triage && actionIds(c).length > 0,
    );
    expect(actionIds(card).map((e) => e.action_id)).toEqual([
      'handoff_claim',
      'handoff_resolve',
      'handoff_escalate',
    ]);
    const cardTs = card.responseTs ?? '';
    expect(cardTs).not.toBe('');
    const ticketValue = actionIds(card)[0]?.value ?? '';

    // 2. The customer writes again through the other process: it lands in the card's thread.
    await send(b, dm('my parcel <!channel> never arrived'));
    const relay = await seen(
      'relay in the thread',
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === cardTs &&
        String(c.args.text).includes('never arrived'),
    );
    expect(relay.args.channel).toBe(FAKE_SLACK.triage);
    // A Slack customer's own mention is decoded, then neutralised: it pings nobody in the desk.
    expect(String(relay.args.text)).not.toContain('<!channel>');
    expect(String(relay.args.text)).toContain('@\u200Bchannel');

    // 3. A staff reply in the thread reaches the customer (decoded), and gets ✅.
    const reply = threadReply(cardTs, FAKE_SLACK.staff, 'Sorry! Checking *now* &amp; back soon');
    await send(a, reply);
    const delivered = await seen(
      'staff reply in the DM',
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === FAKE_SLACK.testerDm &&
        String(c.args.text).includes('Checking'),
    );
    expect(delivered.args.text).toBe('Sorry! Checking *now* &amp; back soon');
    const replyTs = (JSON.parse(reply) as { event: { ts: string } }).event.ts;
    await seen('✅ on the staff reply', (c) => c.method === 'reactions.add' && c.args.timestamp === replyTs);

    // 4. An internal note stays on the ticket.
    await send(b, threadReply(cardTs, FAKE_SLACK.staff, '// carrier lost it, refund tomorrow'));

    // The staff-side process restarts in the middle of the handoff.
    await b.stop();
    bots.splice(bots.indexOf(b), 1);
    b = await startBot(env, 60_000);
    bots.push(b);

    // 5. Claim: the card loses its Claim button and names the owner.
    await send(b, click(FAKE_SLACK.staff, 'handoff_claim', ticketValue, FAKE_SLACK.triage, cardTs), true);
    const claimed = await seen(
      'card claimed',
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === cardTs &&
        JSON.stringify(c.args.blocks).includes('Claimed by'),
    );
    expect(actionIds(claimed).map((e) => e.action_id)).toEqual(['handoff_resolve', 'handoff_escalate']);

    // 6. Resolve by a non-staff user: refused to them only, nothing changes.
    const updatesBefore = fake.callsOf('chat.update').length;
    await send(
      a,
      click(FAKE_SLACK.outsider, 'handoff_resolve', ticketValue, FAKE_SLACK.triage, cardTs),
      true,
    );
    const refusal = await seen(
      'ephemeral refusal',
      (c) => c.method === 'chat.postEphemeral' && c.args.user === FAKE_SLACK.outsider,
    );
    expect(refusal.args.channel).toBe(FAKE_SLACK.triage);

    // 7. Resolve by staff: the card shows it, the customer is asked for a rating.
    await send(b, click(FAKE_SLACK.staff, 'handoff_resolve', ticketValue, FAKE_SLACK.triage, cardTs), true);
    const resolved = await seen(
      'card resolved',
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === cardTs &&
        JSON.stringify(c.args.blocks).includes('Resolved by'),
    );
    expect(actionIds(resolved)).toEqual([]);
    expect(
      fake
        .callsOf('chat.update')
        .slice(updatesBefore)
        .every((c) => !JSON.stringify(c.args.blocks).includes(FAKE_SLACK.outsider)),
    ).toBe(true);
    const ask = await seen(
      'rating request',
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === FAKE_SLACK.testerDm &&
        actionIds(c).some((e) => e.text?.text === '5'),
    );
    const five = actionIds(ask).find((e) => e.text?.text === '5');
    await send(
      a,
      click(
        FAKE_SLACK.tester,
        five?.action_id ?? '',
        five?.value ?? '',
        FAKE_SLACK.testerDm,
        ask.responseTs ?? '',
      ),
      true,
    );
    const rated = await seen(
      'rating in the thread',
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === cardTs && String(c.args.text).includes('5/5'),
    );
    expect(rated.args.channel).toBe(FAKE_SLACK.triage);
    await seen(
      'rating on the card',
      (c) =>
        c.method === 'chat.update' &&
        c.args.ts === cardTs &&
        JSON.stringify(c.args.blocks).includes('rated 5/5'),
    );

    // A click on the resolved card no longer applies: the clicker is told, never ignored.
    await send(b, click(FAKE_SLACK.staff, 'handoff_claim', ticketValue, FAKE_SLACK.triage, cardTs), true);
    await seen(
      'ephemeral answer to a stale click',
      (c) => c.method === 'chat.postEphemeral' && c.args.user === FAKE_SLACK.staff,
    );

    // 8. The bot answers the next message itself.
    const dmPostsBefore = posts(FAKE_SLACK.testerDm).length;
    await send(b, dm('hello'));
    await seen(
      'bot answer after the handoff',
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === FAKE_SLACK.testerDm &&
        posts(FAKE_SLACK.testerDm).indexOf(c) >= dmPostsBefore,
    );

    // Each effect once, whichever process performed it; the note never left Slack.
    const cards = posts(FAKE_SLACK.triage).filter((c) => !c.args.thread_ts);
    expect(cards).toHaveLength(1);
    expect(
      posts(FAKE_SLACK.triage).filter((c) => String(c.args.text).includes('never arrived')),
    ).toHaveLength(1);
    expect(posts(FAKE_SLACK.testerDm).filter((c) => String(c.args.text).includes('Checking'))).toHaveLength(
      1,
    );
    expect(fake.calls.filter((c) => String(c.args.text ?? '').includes('carrier lost it'))).toEqual([]);
  }, 300_000);
});

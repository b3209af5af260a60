import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_STAFF_TEXT } from '../../adapters/slack/render.ts';
import { StoreUnavailableError } from '../../src/errors.ts';
import { type SlackHarness, startSlackHarness } from '../fakes/fake-slack-harness.ts';
import { FAKE_SLACK } from '../fakes/fake-slack.ts';

const fixtures = resolve(import.meta.dirname, '../../../shared/fixtures');
const json = (name: string) =>
  JSON.parse(readFileSync(resolve(fixtures, name), 'utf8')) as Record<string, unknown>;

const eventsApi = (envelopeId: string, payload: Record<string, unknown>, retry = 0) => ({
  envelope_id: envelopeId,
  type: 'events_api',
  accepts_response_payload: false,
  retry_attempt: retry,
  retry_reason: retry > 0 ? 'timeout' : '',
  payload,
});

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(): Promise<SlackHarness> {
  harness = await startSlackHarness({ socketMode: true, http: false });
  await harness.fake.waitForSocket();
  return harness;
}

describe('Slack over Socket Mode (local fake of apps.connections.open and its WebSocket)', () => {
  it('connects with the app token and serves no HTTP route', async () => {
    const h = await start();
    expect(h.fake.callsOf('apps.connections.open').map((c) => c.token)).toEqual(['xapp-test-token']);
    expect(h.slack.routes).toEqual([]);
  });

  it('acknowledges an event only after it was queued; a redelivery is the same event', async () => {
    const h = await start();
    await h.openTicket();
    const release = h.sink.hold();
    const acked = h.fake
      .sendEnvelope(eventsApi('env-1', json('slack-message-thread-reply.json')))
      .then((ack) => {
        h.sink.timeline.push('acked:env-1');
        return ack;
      });
    while (h.sink.attempts === 0) await new Promise((r) => setTimeout(r, 5));
    h.sink.timeline.push('released');
    release();
    expect(await acked).toMatchObject({ envelope_id: 'env-1' });
    expect(h.sink.timeline).toEqual(['released', 'ingested:Ev07THREADRP1', 'acked:env-1']);
    await h.fake.sendEnvelope(eventsApi('env-2', json('slack-message-thread-reply.json'), 1));
    expect(h.sink.events.map((e) => e.id)).toEqual(['Ev07THREADRP1', 'Ev07THREADRP1']);
    expect(h.sink.accepted).toHaveLength(1);
    expect(h.sink.events[0]).toMatchObject({
      kind: 'action',
      action: { type: 'staff_reply' },
      ticketId: 'hf_8f3k2',
    });
  });

  it('does not acknowledge an event that could not be queued (Slack redelivers it)', async () => {
    const h = await start();
    await h.openTicket();
    h.sink.failing = new StoreUnavailableError('redis is down');
    void h.fake.sendEnvelope(eventsApi('env-fail', json('slack-message-thread-reply.json')));
    while (h.sink.attempts === 0) await new Promise((r) => setTimeout(r, 5));
    h.sink.failing = null;
    // A later envelope is acked; by then the failed one was settled without an ack.
    await h.fake.sendEnvelope(eventsApi('env-ok', json('slack-message-thread-reply.json'), 1));
    expect(h.fake.acks.has('env-fail')).toBe(false);
    expect(h.fake.acks.has('env-ok')).toBe(true);
    expect(h.sink.accepted.map((e) => e.id)).toEqual(['Ev07THREADRP1']);
  });

  it('refuses a non-staff click ephemerally and acks it; a staff click is queued', async () => {
    const h = await start();
    await h.openTicket();
    const body = json('slack-block-actions.json');
    const outsider = { ...body, user: { ...(body.user as object), id: FAKE_SLACK.outsider } };
    await h.fake.sendEnvelope({
      envelope_id: 'env-3',
      type: 'interactive',
      accepts_response_payload: false,
      payload: outsider,
    });
    expect(h.sink.attempts).toBe(0);
    expect(h.fake.callsOf('chat.postEphemeral').map((c) => [c.args.user, c.args.text])).toEqual([
      [FAKE_SLACK.outsider, NOT_STAFF_TEXT],
    ]);
    await h.fake.sendEnvelope({
      envelope_id: 'env-4',
      type: 'interactive',
      accepts_response_payload: false,
      payload: body,
    });
    expect(h.sink.events).toEqual([
      expect.objectContaining({ action: { type: 'resolve' }, ticketId: 'hf_8f3k2' }),
    ]);
  });

  it('answers /switchboard in the ack payload', async () => {
    const h = await start();
    const ack = await h.fake.sendEnvelope({
      envelope_id: 'env-5',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: FAKE_SLACK.team,
        channel_id: FAKE_SLACK.testerDm,
        user_id: FAKE_SLACK.tester,
        user_name: 'tess',
        command: '/switchboard',
        text: 'help',
        api_app_id: FAKE_SLACK.app,
        trigger_id: 't1',
        response_url: 'https://hooks.slack.com/commands/T07SUPPORT1/1/x',
      },
    });
    expect(ack).toMatchObject({
      envelope_id: 'env-5',
      payload: { response_type: 'ephemeral', text: expect.stringContaining('/switchboard reset') },
    });
  });
});

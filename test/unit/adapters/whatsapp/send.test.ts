import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { type SendBody, createGraphClient } from '../../../../adapters/whatsapp/api.ts';
import { WhatsAppSender } from '../../../../adapters/whatsapp/send.ts';
import { PlatformApiError, UndeliverableError } from '../../../../src/errors.ts';
import { silentLogger } from '../../../../src/logging/pino-logger.ts';
import { PHONE_NUMBER_ID, TEST_ACCESS_TOKEN } from '../../../fixtures/whatsapp/load.ts';

const API = 'https://graph.facebook.com';
const PATH = `/v26.0/${PHONE_NUMBER_ID}/messages`;
const graph = createGraphClient({
  apiUrl: API,
  apiVersion: 'v26.0',
  accessToken: TEST_ACCESS_TOKEN,
  phoneNumberId: PHONE_NUMBER_ID,
});
const sender = (retries = 4) =>
  new WhatsAppSender({ graph, logger: silentLogger, retry: { retries, minDelayMs: 5, maxDelayMs: 20 } });
const textTo = (to: string, body: string): SendBody => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body, preview_url: false },
});
const graphError = (code: number) => ({ error: { message: `(#${code})`, type: 'OAuthException', code } });

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

/** Every request the stub received, in order, with its arrival time. */
function recordingStub() {
  const seen: { to: string; body: string; at: number }[] = [];
  const record = (requestBody: unknown) => {
    const b = requestBody as { to: string; text: { body: string } };
    seen.push({ to: b.to, body: b.text.body, at: Date.now() });
  };
  return { seen, record };
}

describe('WhatsAppSender retries', () => {
  it('retries 500 twice then succeeds: one message delivered, three requests made', async () => {
    const { seen, record } = recordingStub();
    nock(API)
      .post(PATH)
      .twice()
      .reply(500, (_u, b) => {
        record(b);
        return graphError(131000);
      })
      .post(PATH)
      .reply(200, (_u, b) => {
        record(b);
        return { messages: [{ id: 'wamid.OK' }] };
      });
    await expect(sender().send('c1', textTo('+447700900123', 'hi'))).resolves.toEqual({
      messageId: 'wamid.OK',
    });
    expect(seen.map((s) => s.body)).toEqual(['hi', 'hi', 'hi']);
  });

  it('does not retry a permanent error', async () => {
    const scope = nock(API).post(PATH).once().reply(400, graphError(131026));
    await expect(sender().send('c1', textTo('+447700900123', 'hi'))).rejects.toBeInstanceOf(
      UndeliverableError,
    );
    expect(scope.isDone()).toBe(true);
  });

  it('gives up with the typed error once the retries are spent', async () => {
    nock(API).post(PATH).times(3).reply(503, 'unavailable');
    await expect(sender(2).send('c1', textTo('+447700900123', 'hi'))).rejects.toMatchObject({
      constructor: PlatformApiError,
      status: 503,
    });
  });

  it('honours Retry-After on a throughput error before the next attempt', async () => {
    const { seen, record } = recordingStub();
    nock(API)
      .post(PATH)
      .reply(
        400,
        (_u, b) => {
          record(b);
          return graphError(130429);
        },
        { 'retry-after': '1' },
      )
      .post(PATH)
      .reply(200, (_u, b) => {
        record(b);
        return { messages: [{ id: 'wamid.OK' }] };
      });
    await sender().send('c1', textTo('+447700900123', 'hi'));
    expect(seen).toHaveLength(2);
    // A lower bound only: the wait may be longer, never shorter (timers do not fire early).
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);
  });
});

describe('WhatsAppSender pacing', () => {
  it('holds only the customer who hit the pair rate limit (131056); others go on', async () => {
    const { seen, record } = recordingStub();
    nock(API)
      .post(PATH, (b) => b.to === '+441' && b.text.body === 'a1')
      .reply(400, (_u, b) => {
        record(b);
        return graphError(131056);
      })
      .post(PATH)
      .times(2)
      .reply(200, (_u, b) => {
        record(b);
        return { messages: [{ id: `wamid.${(b as { text: { body: string } }).text.body}` }] };
      });
    const s = sender();
    const first = s.send('A', textTo('+441', 'a1'));
    // Let A's first attempt reach the stub and fail (its hold starts) before B sends.
    await until(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    await s.send('B', textTo('+442', 'b1'));
    await first;
    expect(seen.map((x) => x.body)).toEqual(['a1', 'b1', 'a1']);
    // 4^0 s after the first strike.
    expect(seen[2]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it('sends to one customer one at a time, in call order', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    nock(API)
      .post(PATH)
      .times(2)
      .reply(async (_u, b) => {
        const text = (b as { text: { body: string } }).text.body;
        events.push(`start ${text}`);
        if (text === 'one') await gate;
        events.push(`end ${text}`);
        return [200, { messages: [{ id: `wamid.${text}` }] }];
      });
    const s = sender();
    const one = s.send('A', textTo('+441', 'one'));
    const two = s.send('A', textTo('+441', 'two'));
    await until(() => events.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['start one']);
    release();
    await expect(Promise.all([one, two])).resolves.toEqual([
      { messageId: 'wamid.one' },
      { messageId: 'wamid.two' },
    ]);
    expect(events).toEqual(['start one', 'end one', 'start two', 'end two']);
  });

  it('a failed send does not block the next one to the same customer', async () => {
    nock(API)
      .post(PATH)
      .reply(400, graphError(131026))
      .post(PATH)
      .reply(200, { messages: [{ id: 'wamid.2' }] });
    const s = sender();
    const failed = s.send('A', textTo('+441', 'x')).catch((e: unknown) => e);
    const next = s.send('A', textTo('+441', 'y'));
    expect(await failed).toBeInstanceOf(UndeliverableError);
    await expect(next).resolves.toEqual({ messageId: 'wamid.2' });
  });
});

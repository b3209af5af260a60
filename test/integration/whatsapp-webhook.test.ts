import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../../adapters/whatsapp/index.ts';
import { StoreUnavailableError } from '../../src/errors.ts';
import { readRawBody } from '../../src/http/body.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { MemoryKeyValueSpace } from '../../src/kv/memory-key-value.ts';
import { createPinoLogger, silentLogger } from '../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import { systemClock } from '../../src/ports/clock.ts';
import {
  FIXTURE_NOW,
  type WhatsAppHarness,
  startWhatsAppHarness,
  until,
} from '../fixtures/whatsapp/harness.ts';
import {
  CUSTOMER_BSUID,
  CUSTOMER_WA_ID,
  PHONE_NUMBER_ID,
  TEST_ACCESS_TOKEN,
  TEST_APP_SECRET,
  TEST_VERIFY_TOKEN,
  localFixture,
  retimed,
  sharedFixture,
  sign,
} from '../fixtures/whatsapp/load.ts';

const NOW_S = Math.floor(FIXTURE_NOW / 1000);
const TEXT_WAMID = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA';

/** A text from the fixture customer with its own wamid, written "now". */
function customerText(text: string, wamid: string): string {
  const raw = sharedFixture('whatsapp-text.json').replace(TEXT_WAMID, wamid);
  const body = JSON.parse(retimed(raw, NOW_S)) as {
    entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
  };
  const message = body.entry[0]?.changes[0]?.value.messages[0];
  if (message) message.text.body = text;
  return JSON.stringify(body);
}

describe('WhatsApp webhook through the real runtime', () => {
  let h: WhatsAppHarness;
  beforeEach(async () => {
    h = await startWhatsAppHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('GET verification echoes the challenge for the right token and refuses others with 403', async () => {
    const get = (query: string) => fetch(`${h.base}/webhooks/whatsapp?${query}`);
    const ok = await get(`hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await get('hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1')).status).toBe(403);
    expect((await get(`hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
  });

  it('answers the shared text fixture (raw bytes signed): read receipt with typing, then one reply to the customer', async () => {
    const res = await h.post(sharedFixture('whatsapp-text.json'));
    expect(res.status).toBe(200);
    await until(() => h.graph.delivered().length >= 1, 'a reply');
    expect(h.graph.reads()).toContainEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: TEXT_WAMID,
      typing_indicator: { type: 'text' },
    });
    const [reply] = h.graph.delivered();
    expect(reply).toMatchObject({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+${CUSTOMER_WA_ID}`,
    });
    expect(['text', 'interactive']).toContain(reply?.type);
    expect(h.graph.unmatched).toEqual([]);
  });

  it('answers a knowledge question with the article text and a numbered source', async () => {
    expect((await h.post(customerText('how do I reset my password?', 'wamid.KB1'))).status).toBe(200);
    await until(() => h.graph.delivered().length >= 1, 'the answer');
    expect(h.graph.delivered()[0]).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+${CUSTOMER_WA_ID}`,
      type: 'text',
      text: {
        body: 'Use the Forgot password link on the sign-in page to reset your password.\n\nSources:\n[1] Reset your password',
        preview_url: false,
      },
    });
  });

  it('offers choices as reply buttons and maps the tapped button back to its choice id', async () => {
    await h.post(customerText('zebra quantum', 'wamid.CH1'));
    await until(() => h.graph.delivered().length >= 1, 'the choices');
    const offer = h.graph.delivered()[0] as {
      type: string;
      interactive: { type: string; action: { buttons: { reply: { id: string; title: string } }[] } };
    };
    expect(offer.type).toBe('interactive');
    expect(offer.interactive.type).toBe('button');
    const buttons = offer.interactive.action.buttons.map((b) => b.reply);
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.length).toBeLessThanOrEqual(3);
    for (const b of buttons) expect(b.title.length).toBeLessThanOrEqual(20);
    expect(buttons.map((b) => b.id)).toContain('sb:handoff');
    expect(await h.runtime.desk.list()).toEqual([]);
    // The customer taps "Talk to a person": the engine receives that choice id and opens a handoff.
    const tap = retimed(sharedFixture('whatsapp-interactive-button-reply.json'), NOW_S + 5)
      .replace('hf_8f3k2:agent', 'sb:handoff')
      .replace('Talk to an agent', 'Talk to a person');
    expect((await h.post(tap)).status).toBe(200);
    await until(async () => (await h.runtime.desk.list()).length === 1, 'the handoff ticket');
    await until(() => h.graph.delivered().length >= 2, 'the answer to the tap');
  });

  it('the same webhook delivered 3 times yields one reply', async () => {
    const raw = customerText('how do I reset my password?', 'wamid.DUP1');
    for (let i = 0; i < 3; i++) expect((await h.post(raw)).status).toBe(200);
    // Barrier: a later message of the same customer is answered after any queued duplicate would have been.
    await h.post(customerText('how do I reset my password?', 'wamid.DUP2'));
    await until(() => h.graph.delivered().length >= 2, 'both answers');
    await h.runtime.engine.stop();
    expect(h.graph.delivered()).toHaveLength(2);
  });

  it('a missing or wrong signature gets 401 and has no effect at all', async () => {
    const raw = retimed(localFixture('non-ascii.json'), NOW_S);
    expect((await h.post(raw, null)).status).toBe(401);
    expect((await h.post(raw, sign(raw, 'not-the-app-secret'))).status).toBe(401);
    expect((await h.post(raw, sign(JSON.stringify(JSON.parse(raw))))).status).toBe(401);
    // Barrier: a valid message afterwards is answered, and it is the only thing that happened.
    await h.post(customerText('how do I reset my password?', 'wamid.AFTER401'));
    await until(() => h.graph.delivered().length >= 1, 'the valid message’s answer');
    await h.runtime.engine.stop();
    expect(h.graph.delivered().map((d) => d.to)).toEqual([`+${CUSTOMER_WA_ID}`]);
    expect(h.graph.reads().map((r) => r.message_id)).not.toContain('wamid.NONASCII01');
    expect(await h.kv.get(`window:${PHONE_NUMBER_ID}:DE.5512093847561029384`)).toBeNull();
  });

  it('malformed JSON (correctly signed) gets 400', async () => {
    const res = await h.post('{"object": "whatsapp_business_account", "entry": [');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('not valid JSON');
    expect((await h.post('{"hello":"world"}')).status).toBe(400);
  });

  it('non-ASCII text: the signature is checked over the escaped bytes and the reply goes to that customer', async () => {
    const raw = retimed(localFixture('non-ascii.json'), NOW_S);
    expect(raw).toContain('\\u00fc');
    expect((await h.post(raw)).status).toBe(200);
    await until(() => h.graph.delivered().length >= 1, 'the reply');
    expect(h.graph.delivered()[0]?.to).toBe('+4915112345678');
  });

  it('handles every entry and change of a batch: both customers are answered', async () => {
    expect((await h.post(retimed(localFixture('batched.json'), NOW_S))).status).toBe(200);
    await until(() => new Set(h.graph.delivered().map((d) => d.to)).size >= 2, 'answers to both customers');
    const to = h.graph.delivered().map((d) => d.to);
    expect(to).toContain(`+${CUSTOMER_WA_ID}`);
    expect(to).toContain('+4915112345678');
    expect(await h.kv.get('status:wamid.OUTBOUND0001:delivered')).not.toBeNull();
  });

  it('unsupported and unknown types get the polite note, never silence', async () => {
    expect((await h.post(retimed(localFixture('unknown-types.json'), NOW_S))).status).toBe(200);
    await until(() => h.graph.delivered().length >= 1, 'a note');
    const note = h.graph.delivered()[0] as { type: string; text: { body: string } };
    expect(note.type).toBe('text');
    expect(note.text.body.length).toBeGreaterThan(0);
  });

  it('a username user (no phone number) is answered through their BSUID', async () => {
    await h.post(retimed(localFixture('username-user.json'), NOW_S));
    await until(() => h.graph.delivered().length >= 1, 'the reply');
    expect(h.graph.delivered()[0]).toMatchObject({ recipient: 'US.13491208655302741918' });
    expect(h.graph.delivered()[0]).not.toHaveProperty('to');
  });

  it('statuses arriving before their message, and out of order, never move a message backwards', async () => {
    // Statuses for a message this process has no record of yet.
    expect((await h.post(retimed(localFixture('statuses-out-of-order.json'), NOW_S))).status).toBe(200);
    for (const s of ['read', 'delivered', 'sent']) {
      expect(await h.kv.get(`status:wamid.OUTOFORDER01:${s}`)).not.toBeNull();
    }
    // A reply we send, then its statuses: read first, delivered late.
    await h.post(customerText('how do I reset my password?', 'wamid.ST1'));
    await until(() => h.graph.delivered().length >= 1, 'the reply');
    const sent = 'wamid.OUT1';
    const status = (s: string, t: number) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '109876543210987',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550101234', phone_number_id: PHONE_NUMBER_ID },
                  statuses: [{ id: sent, status: s, timestamp: String(t), recipient_id: CUSTOMER_WA_ID }],
                },
              },
            ],
          },
        ],
      });
    expect((await h.post(status('read', NOW_S + 3))).status).toBe(200);
    expect((await h.post(status('delivered', NOW_S + 2))).status).toBe(200);
    expect(await h.kv.get(`status:${sent}:read`)).not.toBeNull();
    expect(await h.kv.get(`out:${sent}`)).toBe(
      JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, customerId: CUSTOMER_BSUID }),
    );
  });

  it('a failed status reaches the engine as delivery_failed for the conversation of the sent message', async () => {
    await h.post(customerText('talk to a person please', 'wamid.HO1'));
    await until(async () => (await h.runtime.desk.list()).length === 1, 'the handoff ticket');
    await until(() => h.graph.delivered().length >= 1, 'the handoff notice');
    const failed = retimed(sharedFixture('whatsapp-status-failed.json'), NOW_S + 10, {
      'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSRjlFOEQ3QzZCNUE0OTM4MjcxAA==': 'wamid.OUT1',
    });
    expect((await h.post(failed)).status).toBe(200);
    expect(await h.kv.get('status:wamid.OUT1:failed')).toContain('131047');
    const ticketWithFailure = async () =>
      (await h.runtime.desk.list()).find((t) => t.thread.some((e) => e.text.includes('131047')));
    await until(async () => (await ticketWithFailure()) !== undefined, 'the failure in the handoff thread');
    expect((await ticketWithFailure())?.conversationKey).toBe(
      `whatsapp:${PHONE_NUMBER_ID}:${PHONE_NUMBER_ID}:${CUSTOMER_BSUID}`,
    );
  });
});

describe('WhatsApp webhook when events cannot be queued', () => {
  it('answers 503 (Meta redelivers), and 200 once the store is back', async () => {
    let down = true;
    const ingested: InboundEvent[] = [];
    const { routes } = createWhatsAppAdapter({
      accessToken: TEST_ACCESS_TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      appSecret: TEST_APP_SECRET,
      verifyToken: TEST_VERIFY_TOKEN,
      apiUrl: 'https://graph.facebook.com',
      apiVersion: 'v26.0',
      templates: {},
      sink: {
        ingest: async (event) => {
          if (down) throw new StoreUnavailableError('redis is down');
          ingested.push(event);
          return 'accepted';
        },
      },
      kv: new MemoryKeyValueSpace({ clock: systemClock }).namespace('whatsapp'),
      clock: systemClock,
      logger: silentLogger,
      readRawBody,
    });
    const server = createHttpServer({ routes, logger: silentLogger });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const raw = localFixture('batched.json');
      const post = () =>
        fetch(`http://127.0.0.1:${port}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'x-hub-signature-256': sign(raw) },
          body: raw,
        });
      expect((await post()).status).toBe(503);
      down = false;
      expect((await post()).status).toBe(200);
      expect(ingested.map((e) => e.id)).toEqual(['wamid.BATCH0001', 'wamid.BATCH0002', 'wamid.BATCH0003']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('WhatsApp logs', () => {
  it('never contain the customer’s phone number, the access token or the app secret', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const h = await startWhatsAppHarness(
      {},
      createPinoLogger({ level: 'debug', pretty: false, destination: stream }),
    );
    try {
      h.graph.failSends(1, 500, {
        error: { code: 131000, message: `(#131000) failed for ${CUSTOMER_WA_ID}` },
      });
      const raw = customerText('how do I reset my password?', 'wamid.LOG1');
      expect((await h.post(raw, sign(raw, 'wrong-secret'))).status).toBe(401);
      expect((await h.post(raw)).status).toBe(200);
      await until(() => h.graph.delivered().length >= 1, 'the reply');
      const failed = retimed(sharedFixture('whatsapp-status-failed.json'), NOW_S + 10);
      expect((await h.post(failed)).status).toBe(200);
      expect((await h.post('{broken')).status).toBe(400);
    } finally {
      await h.close();
    }
    // The run did log (the 401, the retried send, the failure), so the check below means something.
    expect(out).toMatch(/whatsapp send attempt failed/);
    expect(out).toMatch(/request failed/);
    for (const secret of [CUSTOMER_WA_ID, TEST_ACCESS_TOKEN, TEST_APP_SECRET, TEST_VERIFY_TOKEN]) {
      expect(out).not.toContain(secret);
    }
  });
});

import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../../../../adapters/whatsapp/index.ts';
import { REPLY_WINDOW_MS } from '../../../../adapters/whatsapp/limits.ts';
import { ReplyWindowClosedError } from '../../../../src/errors.ts';
import { MemoryKeyValueSpace } from '../../../../src/kv/memory-key-value.ts';
import { silentLogger } from '../../../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../../../src/model/inbound-event.ts';
import type { OutboundEnvelope, OutboundMessage } from '../../../../src/model/outbound-message.ts';
import {
  CUSTOMER_BSUID,
  CUSTOMER_WA_ID,
  PHONE_NUMBER_ID,
  TEST_ACCESS_TOKEN,
  TEST_APP_SECRET,
  TEST_VERIFY_TOKEN,
} from '../../../fixtures/whatsapp/load.ts';

const API = 'https://graph.facebook.com';
const PATH = `/v26.0/${PHONE_NUMBER_ID}/messages`;
const T0 = 1_767_229_300_000;
const ref = {
  platform: 'whatsapp',
  workspace: PHONE_NUMBER_ID,
  channel: PHONE_NUMBER_ID,
  threadOrUser: CUSTOMER_BSUID,
};

function setup(templates = {}) {
  let now = T0;
  const kv = new MemoryKeyValueSpace({ clock: { now: () => now } }).namespace('whatsapp');
  const ingested: InboundEvent[] = [];
  const { adapter } = createWhatsAppAdapter({
    accessToken: TEST_ACCESS_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: TEST_APP_SECRET,
    verifyToken: TEST_VERIFY_TOKEN,
    apiUrl: API,
    apiVersion: 'v26.0',
    templates,
    sink: {
      ingest: async (event) => {
        ingested.push(event);
        return 'accepted';
      },
    },
    kv,
    clock: { now: () => now },
    logger: silentLogger,
    readRawBody: async () => Buffer.from(''),
    retry: { minDelayMs: 5, maxDelayMs: 20 },
  });
  return {
    adapter,
    kv,
    advance: (ms: number) => {
      now += ms;
    },
    /** Records an inbound message the way the webhook does. */
    inbound: async (messageId: string, at = now) => {
      await kv.set(
        `window:${PHONE_NUMBER_ID}:${CUSTOMER_BSUID}`,
        JSON.stringify({ lastInboundAt: at, lastMessageId: messageId, waId: CUSTOMER_WA_ID }),
        REPLY_WINDOW_MS * 30,
      );
    },
  };
}

const envelope = (message: OutboundMessage, overrides: Partial<OutboundEnvelope> = {}): OutboundEnvelope => ({
  ref,
  message,
  idempotencyKey: 'wamid.IN1:0',
  replyTo: 'wamid.IN1',
  replyContext: { messageId: 'wamid.IN1', waId: CUSTOMER_WA_ID, at: String(T0) },
  purpose: 'answer',
  ...overrides,
});

/** Stub answering every /messages POST with a fresh wamid and recording the bodies. */
function graphStub(times: number) {
  const bodies: Record<string, unknown>[] = [];
  nock(API)
    .post(PATH)
    .times(times)
    .reply(200, (_u, body) => {
      bodies.push(body as Record<string, unknown>);
      return { messages: [{ id: `wamid.OUT${bodies.length}` }] };
    });
  return bodies;
}

describe('WhatsApp adapter send', () => {
  it('sends a text to the customer’s phone number with the answered message quoted only when they wrote again', async () => {
    const { adapter, inbound } = setup();
    await inbound('wamid.IN1');
    const bodies = graphStub(2);
    await expect(adapter.send(envelope({ kind: 'text', text: 'Hello **there**' }))).resolves.toEqual({
      platformMessageId: 'wamid.OUT1',
    });
    await inbound('wamid.IN2');
    await adapter.send(envelope({ kind: 'text', text: 'Second' }, { idempotencyKey: 'wamid.IN1:1' }));
    expect(bodies).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: `+${CUSTOMER_WA_ID}`,
        type: 'text',
        text: { body: 'Hello *there*', preview_url: false },
      },
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: `+${CUSTOMER_WA_ID}`,
        context: { message_id: 'wamid.IN1' },
        type: 'text',
        text: { body: 'Second', preview_url: false },
      },
    ]);
  });

  it('sends to the BSUID (recipient) when no phone number is known', async () => {
    const { adapter } = setup();
    const bodies = graphStub(1);
    await adapter.send(
      envelope({ kind: 'text', text: 'hi' }, { replyContext: { messageId: 'wamid.IN1', at: String(T0) } }),
    );
    expect(bodies[0]).toMatchObject({ recipient: CUSTOMER_BSUID });
    expect(bodies[0]).not.toHaveProperty('to');
  });

  it('does not send a repeated idempotency key again, and resumes a split message where it stopped', async () => {
    const { adapter, inbound } = setup();
    await inbound('wamid.IN1');
    const long = `${'A sentence to fill the message. '.repeat(200)}`.trim();
    nock(API)
      .post(PATH)
      .reply(200, { messages: [{ id: 'wamid.P0' }] });
    nock(API)
      .post(PATH)
      .reply(500, { error: { code: 131000, message: 'x' } });
    nock(API).post(PATH).times(5).reply(503, 'down');
    // Part 0 went out, part 1 keeps failing: the send fails and the engine will retry it.
    await expect(adapter.send(envelope({ kind: 'text', text: long }))).rejects.toMatchObject({ status: 503 });
    const bodies = graphStub(1);
    await expect(adapter.send(envelope({ kind: 'text', text: long }))).resolves.toEqual({
      platformMessageId: 'wamid.OUT1',
    });
    expect(bodies).toHaveLength(1);
    expect((bodies[0] as { text: { body: string } }).text.body.startsWith('A sentence')).toBe(true);
    // Everything is recorded now: a third call sends nothing (no interceptor left would fail the test).
    await expect(adapter.send(envelope({ kind: 'text', text: long }))).resolves.toEqual({
      platformMessageId: 'wamid.OUT1',
    });
  });

  it('outside the window: throws ReplyWindowClosedError and makes no call without a template', async () => {
    const { adapter, inbound, advance } = setup();
    await inbound('wamid.IN1');
    advance(REPLY_WINDOW_MS + 1000);
    const error = await adapter
      .send(
        envelope({ kind: 'text', text: 'Late staff reply' }, { purpose: 'staff_reply', replyContext: {} }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyWindowClosedError);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('outside the window: sends the template configured for the purpose instead', async () => {
    const { adapter, inbound, advance } = setup({
      rating_request: { name: 'csat_request', language: 'en_US', params: ['{{text}}'] },
    });
    await inbound('wamid.IN1');
    advance(REPLY_WINDOW_MS + 1000);
    const bodies = graphStub(1);
    await adapter.send(
      envelope({ kind: 'text', text: 'How did we do?' }, { purpose: 'rating_request', replyContext: {} }),
    );
    expect(bodies).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: `+${CUSTOMER_WA_ID}`,
        type: 'template',
        template: {
          name: 'csat_request',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'How did we do?' }] }],
        },
      },
    ]);
    // Other purposes still have no template.
    await expect(
      adapter.send(envelope({ kind: 'text', text: 'x' }, { purpose: 'staff_reply', replyContext: {} })),
    ).rejects.toBeInstanceOf(ReplyWindowClosedError);
  });

  it('when Meta says the window is closed (131047) although our record was lost, falls back to the template', async () => {
    const { adapter } = setup({ staff_reply: { name: 'staff_reply_waiting', language: 'en' } });
    nock(API)
      .post(PATH)
      .reply(400, { error: { code: 131047, message: 'Re-engagement message' } });
    const bodies = graphStub(1);
    await adapter.send(envelope({ kind: 'text', text: 'hi' }, { purpose: 'staff_reply', replyContext: {} }));
    expect(bodies[0]).toMatchObject({ type: 'template', template: { name: 'staff_reply_waiting' } });
  });

  it('startTyping marks the answered (or last known) message read with the typing indicator', async () => {
    const { adapter, inbound } = setup();
    await inbound('wamid.LAST');
    const bodies = graphStub(2);
    await adapter.startTyping?.(ref, { messageId: 'wamid.IN1' });
    await adapter.startTyping?.(ref);
    expect(bodies).toEqual([
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.IN1',
        typing_indicator: { type: 'text' },
      },
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.LAST',
        typing_indicator: { type: 'text' },
      },
    ]);
  });

  it('startTyping is best effort: a Graph failure does not throw', async () => {
    const { adapter } = setup();
    nock(API).post(PATH).reply(500, 'x');
    await expect(adapter.startTyping?.(ref, { messageId: 'wamid.IN1' })).resolves.toBeUndefined();
  });

  it('declares WhatsApp’s capabilities', () => {
    expect(setup().adapter.capabilities).toEqual({
      maxTextLength: 4096,
      maxButtons: 3,
      maxListItems: 10,
    });
  });
});

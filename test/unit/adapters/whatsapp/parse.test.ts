import { describe, expect, it } from 'vitest';
import { parseWhatsAppWebhook, toDeliveryFailedEvent } from '../../../../adapters/whatsapp/webhook/parse.ts';
import { BadRequestError } from '../../../../src/errors.ts';
import type { InboundMessage, InboundSystemEvent } from '../../../../src/model/inbound-event.ts';
import {
  CUSTOMER_BSUID,
  CUSTOMER_WA_ID,
  PHONE_NUMBER_ID,
  localFixture,
  sharedFixture,
} from '../../../fixtures/whatsapp/load.ts';

const NOW = 1_767_300_000_000;
const parse = (raw: string) => parseWhatsAppWebhook(JSON.parse(raw), NOW);
const ref = (user: string) => ({
  platform: 'whatsapp',
  workspace: PHONE_NUMBER_ID,
  channel: PHONE_NUMBER_ID,
  threadOrUser: user,
});

describe('parseWhatsAppWebhook with the shared fixtures', () => {
  it('reads a text message keyed on the business-scoped user id, with reply context and window touch', () => {
    const parsed = parse(sharedFixture('whatsapp-text.json'));
    const wamid = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA';
    expect(parsed.events).toEqual([
      expect.objectContaining({
        kind: 'message',
        id: wamid,
        ref: ref(CUSTOMER_BSUID),
        at: 1_767_229_300_000,
        from: { id: CUSTOMER_BSUID, name: 'Maria Lopez', role: 'customer' },
        text: 'Hola, my refund never arrived — order #55821',
        replyContext: { messageId: wamid, waId: CUSTOMER_WA_ID, at: '1767229300000' },
      }),
    ]);
    expect(parsed.touches).toEqual([
      {
        customerId: CUSTOMER_BSUID,
        phoneNumberId: PHONE_NUMBER_ID,
        at: 1_767_229_300_000,
        messageId: wamid,
        waId: CUSTOMER_WA_ID,
      },
    ]);
    expect(parsed.statuses).toEqual([]);
    expect(parsed.skipped).toEqual([]);
  });

  it('maps a button_reply to the choice id the engine sent', () => {
    const [event] = parse(sharedFixture('whatsapp-interactive-button-reply.json')).events as InboundMessage[];
    expect(event).toMatchObject({ kind: 'message', choiceId: 'hf_8f3k2:agent', text: 'Talk to an agent' });
  });

  it('reads an image as an attachment with media id, mime type and caption', () => {
    const [event] = parse(sharedFixture('whatsapp-image.json')).events as InboundMessage[];
    expect(event?.text).toBe('this is the bank statement');
    expect(event?.attachments).toEqual([
      {
        kind: 'image',
        mediaId: '1428577362284913',
        mimeType: 'image/jpeg',
        caption: 'this is the bank statement',
      },
    ]);
  });

  it('reads a failed status with its error code, and no message events', () => {
    const parsed = parse(sharedFixture('whatsapp-status-failed.json'));
    expect(parsed.events).toEqual([]);
    expect(parsed.touches).toEqual([]);
    expect(parsed.statuses).toEqual([
      {
        messageId: 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSRjlFOEQ3QzZCNUE0OTM4MjcxAA==',
        status: 'failed',
        at: 1_767_319_400_000,
        phoneNumberId: PHONE_NUMBER_ID,
        recipientId: CUSTOMER_WA_ID,
        error: {
          code: '131047',
          title: 'Re-engagement message',
          detail:
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
      },
    ]);
  });
});

describe('parseWhatsAppWebhook with our variations', () => {
  it('handles every entry, change, message and status of a batch, in order', () => {
    const parsed = parse(localFixture('batched.json'));
    expect(parsed.events.map((e) => [e.id, e.ref.threadOrUser])).toEqual([
      ['wamid.BATCH0001', CUSTOMER_BSUID],
      ['wamid.BATCH0002', 'DE.5512093847561029384'],
      ['wamid.BATCH0003', 'DE.5512093847561029384'],
    ]);
    expect((parsed.events[1] as InboundMessage).choiceId).toBe('sb:kb:reset-password');
    expect(parsed.statuses.map((s) => [s.messageId, s.status])).toEqual([
      ['wamid.OUTBOUND0001', 'delivered'],
    ]);
    expect(parsed.touches).toHaveLength(3);
  });

  it('turns unsupported and unknown types into unsupported_content events, never dropping them', () => {
    const parsed = parse(localFixture('unknown-types.json'));
    expect(parsed.events).toEqual([
      expect.objectContaining({
        kind: 'system',
        type: 'unsupported_content',
        id: 'wamid.UNSUPPORTED01',
        code: '131051',
      }),
      expect.objectContaining({
        kind: 'system',
        type: 'unsupported_content',
        id: 'wamid.HOLOGRAM01',
        code: 'hologram',
      }),
    ]);
    for (const event of parsed.events) {
      expect((event as InboundSystemEvent).replyContext?.messageId).toBe(event.id);
      expect(event.ref).toEqual(ref(CUSTOMER_BSUID));
    }
    // The customer wrote: the window restarts even when we cannot read the content.
    expect(parsed.touches).toHaveLength(2);
  });

  it('decodes escaped non-ASCII text', () => {
    const [event] = parse(localFixture('non-ascii.json')).events as InboundMessage[];
    expect(event?.text).toBe(
      'Grüße! Mein Paket ist nicht angekommen 😞 — Bestellung #55821, Größe „XL“ · 你好',
    );
    expect(event?.from.name).toBe('Jonas Müller');
  });

  it('keys a username user (no phone number) on the BSUID and gives no waId', () => {
    const parsed = parse(localFixture('username-user.json'));
    expect(parsed.events[0]?.ref.threadOrUser).toBe('US.13491208655302741918');
    expect(parsed.events[0]?.replyContext).toEqual({ messageId: 'wamid.USERNAME01', at: '1767229800000' });
    expect(parsed.touches[0]).not.toHaveProperty('waId');
  });

  it('reads media, location, contacts, reactions and template buttons', () => {
    const parsed = parse(localFixture('media-and-more.json'));
    const byId = new Map(parsed.events.map((e) => [e.id, e as InboundMessage]));
    expect(byId.get('wamid.AUDIO01')?.attachments).toEqual([
      { kind: 'audio', mediaId: '2001', mimeType: 'audio/ogg; codecs=opus' },
    ]);
    expect(byId.get('wamid.DOC01')).toMatchObject({
      text: 'my invoice',
      attachments: [
        {
          kind: 'document',
          mediaId: '2002',
          mimeType: 'application/pdf',
          caption: 'my invoice',
          name: 'invoice-55821.pdf',
        },
      ],
    });
    expect(byId.get('wamid.VIDEO01')?.attachments?.[0]).toMatchObject({ kind: 'video', mediaId: '2003' });
    expect(byId.get('wamid.STICKER01')?.attachments?.[0]).toMatchObject({ kind: 'sticker', mediaId: '2004' });
    expect(byId.get('wamid.LOCATION01')).toMatchObject({
      text: 'Parcel shop, 1 High St, London',
      attachments: [
        {
          kind: 'location',
          url: 'https://maps.google.com/?q=51.5072,-0.1276',
          name: 'Parcel shop, 1 High St, London',
        },
      ],
    });
    const contacts = byId.get('wamid.CONTACTS01');
    expect(contacts).toMatchObject({
      text: 'Alex Courier',
      attachments: [{ kind: 'contact', name: 'Alex Courier' }],
    });
    expect(contacts?.text).not.toContain('7700');
    expect(byId.get('wamid.REACTION01')?.text).toBe('👍');
    expect(byId.get('wamid.BUTTON01')).toMatchObject({ text: 'Rate 5', choiceId: 'rating:5' });
    // A removed reaction asks for nothing, but the customer was active: window touched, no event.
    expect(byId.has('wamid.UNREACT01')).toBe(false);
    expect(parsed.touches.map((t) => t.messageId)).toContain('wamid.UNREACT01');
  });

  it('keeps statuses that arrive out of order as they are (ordering is the store’s job)', () => {
    const parsed = parse(localFixture('statuses-out-of-order.json'));
    expect(parsed.statuses.map((s) => s.status)).toEqual(['read', 'delivered', 'sent']);
  });
});

describe('parseWhatsAppWebhook edge cases', () => {
  it('rejects a body that is not a notification', () => {
    expect(() => parseWhatsAppWebhook({ hello: 'world' }, NOW)).toThrow(BadRequestError);
    expect(() => parseWhatsAppWebhook([], NOW)).toThrow(BadRequestError);
    expect(() => parseWhatsAppWebhook('x', NOW)).toThrow(BadRequestError);
  });

  it('skips, with a reason, other objects, other fields and items it cannot read', () => {
    expect(parseWhatsAppWebhook({ object: 'page', entry: [] }, NOW).skipped).toEqual([
      'notification for object "page" ignored',
    ]);
    const parsed = parseWhatsAppWebhook(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              { field: 'account_update', value: {} },
              { field: 'messages', value: { messages: [{ id: 'x' }] } },
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: PHONE_NUMBER_ID },
                  messages: [
                    { type: 'text', text: { body: 'no id' }, from: '1' },
                    { id: 'wamid.NOFROM', type: 'text' },
                  ],
                  statuses: [{ id: 'wamid.X', status: 'teleported' }],
                  errors: [{ code: 131000, title: 'Something went wrong' }],
                },
              },
            ],
          },
        ],
      },
      NOW,
    );
    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toEqual([
      'change field "account_update" ignored',
      'change without value.metadata.phone_number_id',
      'webhook error 131000: Something went wrong',
      'message of type "text" without an id',
      'message of type "text" without a sender id',
      'status "teleported" without a known message id or state ignored',
    ]);
  });

  it('falls back to the receive time when a message has no timestamp', () => {
    const parsed = parseWhatsAppWebhook(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: PHONE_NUMBER_ID },
                  messages: [{ id: 'wamid.NOTS', from: CUSTOMER_WA_ID, type: 'text', text: { body: 'hi' } }],
                },
              },
            ],
          },
        ],
      },
      NOW,
    );
    expect(parsed.events[0]).toMatchObject({ at: NOW, ref: ref(CUSTOMER_WA_ID) });
  });
});

describe('toDeliveryFailedEvent', () => {
  it('builds a delivery_failed event with a deterministic id, the code and Meta’s detail', () => {
    const [status] = parse(sharedFixture('whatsapp-status-failed.json')).statuses;
    const event = toDeliveryFailedEvent(status!, ref(CUSTOMER_BSUID));
    expect(event).toEqual({
      kind: 'system',
      type: 'delivery_failed',
      id: 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSRjlFOEQ3QzZCNUE0OTM4MjcxAA==:failed',
      ref: ref(CUSTOMER_BSUID),
      at: 1_767_319_400_000,
      code: '131047',
      detail: expect.stringContaining('more than 24 hours have passed'),
    });
    expect(toDeliveryFailedEvent(status!, ref(CUSTOMER_BSUID)).id).toBe(event.id);
  });
});

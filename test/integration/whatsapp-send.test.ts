import { afterEach, describe, expect, it } from 'vitest';
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
  retimed,
  sharedFixture,
} from '../fixtures/whatsapp/load.ts';

const NOW_S = Math.floor(FIXTURE_NOW / 1000);
const TEXT_WAMID = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA';

function customerText(text: string, wamid: string, at = NOW_S): string {
  const body = JSON.parse(retimed(sharedFixture('whatsapp-text.json').replace(TEXT_WAMID, wamid), at)) as {
    entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
  };
  const message = body.entry[0]?.changes[0]?.value.messages[0];
  if (message) message.text.body = text;
  return JSON.stringify(body);
}

const graphError = (code: number) => ({
  error: { message: `(#${code}) error`, type: 'OAuthException', code, fbtrace_id: 'AbC' },
});

describe('WhatsApp sends through the real runtime', () => {
  let h: WhatsAppHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('Graph answers 500 twice, then 200: the reply is delivered once', async () => {
    h = await startWhatsAppHarness();
    h.graph.failSends(2, 500, graphError(131000));
    expect((await h.post(customerText('how do I reset my password?', 'wamid.R500'))).status).toBe(200);
    await until(() => h!.graph.delivered().length >= 1, 'the delivered reply');
    // Barrier: the next message is answered only after the first turn finished.
    await h.post(customerText('how do I reset my password?', 'wamid.R500b', NOW_S + 1));
    await until(() => h!.graph.delivered().length >= 2, 'the second reply');
    const sends = h.graph.sends();
    expect(sends.map((s) => s.status)).toEqual([500, 500, 200, 200]);
    // The three attempts carried the same message; it reached the customer once.
    expect(sends[0]?.body).toEqual(sends[2]?.body);
    expect(h.graph.delivered()).toHaveLength(2);
  });

  it('Graph answers 130429 (throughput): sends are held for Retry-After and every reply is delivered', async () => {
    h = await startWhatsAppHarness();
    h.graph.failSends(1, 400, graphError(130429), { 'retry-after': '1' });
    for (const [i, text] of ['how do I reset my password?', 'zebra quantum', 'hello'].entries()) {
      expect((await h.post(customerText(text, `wamid.RL${i}`, NOW_S + i))).status).toBe(200);
    }
    await until(() => h!.graph.delivered().length >= 3, 'three replies', 20_000);
    const sends = h.graph.sends();
    const refused = sends.findIndex((s) => s.status === 400);
    expect(refused).toBe(0);
    // Everything after the refusal waited at least the Retry-After (a lower bound: timers never fire early).
    for (const later of sends.slice(1)) expect(later.at - sends[0]!.at).toBeGreaterThanOrEqual(990);
    // The refused reply went out exactly once, and nothing was delivered twice.
    const delivered = h.graph.delivered().map((b) => JSON.stringify(b));
    expect(delivered).toContain(JSON.stringify(sends[0]?.body));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(h.graph.delivered().every((b) => b.to === `+${CUSTOMER_WA_ID}`)).toBe(true);
  });
});

describe('WhatsApp reply window through the real runtime', () => {
  let h: WhatsAppHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const ref = {
    platform: 'whatsapp',
    workspace: PHONE_NUMBER_ID,
    channel: PHONE_NUMBER_ID,
    threadOrUser: CUSTOMER_BSUID,
  };
  const staff = { id: 'U07STAFF001', role: 'staff' as const, name: 'Ana' };

  /** The customer asks for a person; resolves with the opened ticket. */
  async function handoff(harness: WhatsAppHarness) {
    await harness.post(customerText('talk to a person please', 'wamid.WIN1'));
    await until(async () => (await harness.runtime.desk.list()).length > 0, 'the handoff ticket');
    await until(() => harness.graph.delivered().length >= 1, 'the handoff notice');
    const [ticket] = await harness.runtime.desk.list();
    return ticket!;
  }

  it('a staff reply after 24 hours is not sent as free text, and the handoff thread gets the reason', async () => {
    h = await startWhatsAppHarness();
    const ticket = await handoff(h);
    const before = h.graph.sends().length;
    h.advance(25 * 60 * 60 * 1000);
    await h.runtime.engine.ingest({
      kind: 'action',
      id: 'desk_wa_late_reply',
      ref,
      at: FIXTURE_NOW + 25 * 60 * 60 * 1000,
      actor: staff,
      action: { type: 'staff_reply', text: 'Sorry for the wait, here is your refund status' },
      ticketId: ticket.id,
    });
    const reason = async () =>
      (await h!.runtime.desk.get(ticket.id))?.thread.find(
        (e) => /window/i.test(e.text) && e.from !== 'staff',
      );
    await until(async () => (await reason()) !== undefined, 'the reason in the thread');
    // Barrier for the send path: nothing after the handoff notice reached Graph.
    expect(h.graph.sends()).toHaveLength(before);
    expect(JSON.stringify(h.graph.sends())).not.toContain('refund status');
  });

  it('after a late resolve, the rating request goes out as the configured template, never as free text', async () => {
    h = await startWhatsAppHarness({
      WHATSAPP_TEMPLATES: JSON.stringify({
        rating_request: { name: 'csat_request', language: 'en_US' },
      }),
    });
    const ticket = await handoff(h);
    await h.runtime.engine.ingest({
      kind: 'action',
      id: 'desk_wa_claim',
      ref,
      at: FIXTURE_NOW + 1000,
      actor: staff,
      action: { type: 'claim' },
      ticketId: ticket.id,
    });
    h.advance(25 * 60 * 60 * 1000);
    const before = h.graph.sends().length;
    await h.runtime.engine.ingest({
      kind: 'action',
      id: 'desk_wa_late_resolve',
      ref,
      at: FIXTURE_NOW + 25 * 60 * 60 * 1000,
      actor: staff,
      action: { type: 'resolve' },
      ticketId: ticket.id,
    });
    await until(() => h!.graph.sends().length > before, 'the template');
    const after = h.graph.sends().slice(before);
    expect(after.map((s) => s.body.type)).toEqual(['template']);
    expect(after[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: `+${CUSTOMER_WA_ID}`,
      type: 'template',
      template: { name: 'csat_request', language: { code: 'en_US' } },
    });
  });
});

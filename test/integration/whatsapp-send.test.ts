import { afterEach, describe, expect, it } from 'vitest';
import {
  FIXTURE_NOW,
  type WhatsAppHarness,
  startWhatsAppHarness,
  until,
} from '../fixtures/whatsapp/harness.ts';
import { CUSTOMER_WA_ID, retimed, sharedFixture } from '../fixtures/whatsapp/load.ts';

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

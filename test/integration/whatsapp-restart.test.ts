import { type IncomingMessage, type Server, createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../fixtures/whatsapp/harness.ts';
import {
  CUSTOMER_WA_ID,
  PHONE_NUMBER_ID,
  TEST_ACCESS_TOKEN,
  TEST_APP_SECRET,
  TEST_VERIFY_TOKEN,
  retimed,
  sharedFixture,
  sign,
} from '../fixtures/whatsapp/load.ts';
import { type BotProcess, startBot } from '../helpers/process.ts';
import { TEST_REDIS_URL, connectRedis, deletePrefix, uniquePrefix } from '../helpers/redis.ts';

type Json = Record<string, unknown>;

/**
 * A local Graph API on 127.0.0.1 (nock cannot reach into the bot's processes): records
 * every `POST /v26.0/<phone-number-id>/messages` and accepts it with a fresh wamid.
 */
async function startFakeGraph(): Promise<{ url: string; calls: Json[]; close(): Promise<void> }> {
  const calls: Json[] = [];
  const read = async (req: IncomingMessage): Promise<string> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return body;
  };
  const server: Server = createServer((req, res) => {
    void read(req).then((raw) => {
      const ok =
        req.method === 'POST' &&
        req.url === `/v26.0/${PHONE_NUMBER_ID}/messages` &&
        req.headers.authorization === `Bearer ${TEST_ACCESS_TOKEN}`;
      if (!ok) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":100}}');
        return;
      }
      const body = JSON.parse(raw) as Json;
      calls.push(body);
      const answer =
        body.status === 'read' ? { success: true } : { messages: [{ id: `wamid.FAKE${calls.length}` }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const TEXT_WAMID = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FCMTIzNDU2Nzg5MEFCQ0RFRjAA';

function customerText(text: string, wamid: string): string {
  // Real processes run on the real clock: date the message now so its 24-hour window is open.
  const raw = retimed(
    sharedFixture('whatsapp-text.json').replace(TEXT_WAMID, wamid),
    Math.floor(Date.now() / 1000),
  );
  const body = JSON.parse(raw) as {
    entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
  };
  const message = body.entry[0]?.changes[0]?.value.messages[0];
  if (message) message.text.body = text;
  return JSON.stringify(body);
}

describe('WhatsApp with REDIS_URL across a crash', () => {
  const prefix = uniquePrefix('wa-restart');
  const running: BotProcess[] = [];
  let graph: Awaited<ReturnType<typeof startFakeGraph>> | undefined;
  afterAll(async () => {
    await Promise.all(running.map((b) => b.stop()));
    await graph?.close();
    const redis = connectRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('a process killed right after acknowledging the webhook: after a restart the message is answered, once', async () => {
    graph = await startFakeGraph();
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOCK_LEASE_MS: '2000',
      WHATSAPP_ACCESS_TOKEN: TEST_ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: TEST_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
      WHATSAPP_API_URL: graph.url,
    };
    const post = (base: string, raw: string) =>
      fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) },
        body: raw,
      });

    const first = await startBot(env, 60_000);
    const res = await post(first.base, customerText('how do I reset my password?', 'wamid.CRASH1'));
    first.child.kill('SIGKILL');
    expect(res.status).toBe(200);
    await new Promise<void>((r) =>
      first.child.exitCode !== null ? r() : first.child.once('exit', () => r()),
    );

    const second = await startBot(env, 60_000);
    running.push(second);
    const sends = () => graph!.calls.filter((c) => c.status !== 'read');
    await until(() => sends().length >= 1, 'the answer after the restart', 90_000);
    // Barrier: a later message of the same conversation is answered only after the first turn is done.
    expect(
      (await post(second.base, customerText('how do I reset my password?', 'wamid.CRASH2'))).status,
    ).toBe(200);
    await until(() => sends().length >= 2, 'the answer to the second message', 60_000);
    expect(sends()).toHaveLength(2);
    for (const send of sends()) expect(send).toMatchObject({ to: `+${CUSTOMER_WA_ID}`, type: 'text' });
  }, 240_000);
});

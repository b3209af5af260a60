import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  WhatsAppRateLimitedError,
  createGraphClient,
  isTransientGraphError,
  parseRetryAfter,
} from '../../../../adapters/whatsapp/api.ts';
import { fetchWhatsAppMedia } from '../../../../adapters/whatsapp/media.ts';
import {
  NotSupportedError,
  PlatformApiError,
  RateLimitedError,
  ReplyWindowClosedError,
  UndeliverableError,
} from '../../../../src/errors.ts';
import { PHONE_NUMBER_ID, TEST_ACCESS_TOKEN } from '../../../fixtures/whatsapp/load.ts';

const API = 'https://graph.facebook.com';
const graph = createGraphClient({
  apiUrl: API,
  apiVersion: 'v26.0',
  accessToken: TEST_ACCESS_TOKEN,
  phoneNumberId: PHONE_NUMBER_ID,
});
const body = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '+447700900123',
  type: 'text',
  text: { body: 'hi', preview_url: false },
} as const;
const graphError = (code: number, message = 'error') => ({
  error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, fbtrace_id: 'Ax' },
});
const messages = () =>
  nock(API, { reqheaders: { authorization: `Bearer ${TEST_ACCESS_TOKEN}` } }).post(
    `/v26.0/${PHONE_NUMBER_ID}/messages`,
  );

describe('Graph client: sending', () => {
  it('posts the body with the bearer token to the pinned version and returns the wamid', async () => {
    const scope = messages()
      .once()
      .reply(200, function (_uri, requestBody) {
        expect(requestBody).toEqual(body);
        expect(this.req.headers['content-type']).toContain('application/json');
        return { messaging_product: 'whatsapp', messages: [{ id: 'wamid.SENT1' }] };
      });
    await expect(graph.sendMessage(body)).resolves.toEqual({ messageId: 'wamid.SENT1' });
    expect(scope.isDone()).toBe(true);
  });

  it('marks a message read with the typing indicator', async () => {
    const scope = messages().reply(200, (_uri, requestBody) => {
      expect(requestBody).toEqual({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.IN1',
        typing_indicator: { type: 'text' },
      });
      return { success: true };
    });
    await graph.markRead('wamid.IN1', true);
    expect(scope.isDone()).toBe(true);
  });

  it('treats a 200 without a message id as a non-transient API error', async () => {
    messages().reply(200, { messaging_product: 'whatsapp' });
    const error = await graph.sendMessage(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(isTransientGraphError(error)).toBe(false);
  });
});

describe('Graph client: errors are mapped by error.code, not HTTP status', () => {
  it.each([
    [400, 131047, ReplyWindowClosedError, false],
    [400, 131026, UndeliverableError, false],
    [400, 131051, UndeliverableError, false],
    [400, 132001, UndeliverableError, false],
    [400, 130429, RateLimitedError, true],
    [400, 131056, RateLimitedError, true],
    [400, 80007, RateLimitedError, true],
    [400, 131000, PlatformApiError, true],
    [500, 131016, PlatformApiError, true],
    [400, 190, PlatformApiError, false],
  ])('HTTP %i with code %i → %o (transient: %s)', async (status, code, type, transient) => {
    messages().reply(status, graphError(code));
    const error = await graph.sendMessage(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(isTransientGraphError(error)).toBe(transient);
    if (error instanceof UndeliverableError) expect(error.platformCode).toBe(String(code));
  });

  it('a 5xx without a Graph body and a network failure are transient', async () => {
    messages().reply(502, 'Bad Gateway');
    const gateway = await graph.sendMessage(body).catch((e: unknown) => e);
    expect(gateway).toMatchObject({ status: 502 });
    expect(isTransientGraphError(gateway)).toBe(true);
    messages().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const network = await graph.sendMessage(body).catch((e: unknown) => e);
    expect(network).toBeInstanceOf(PlatformApiError);
    expect(isTransientGraphError(network)).toBe(true);
  });

  it('keeps Retry-After and the code on rate limits', async () => {
    messages().reply(429, graphError(131056, 'pair rate'), { 'retry-after': '3' });
    const error = await graph.sendMessage(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhatsAppRateLimitedError);
    expect(error).toMatchObject({ platformCode: '131056', retryAfterMs: 3000 });
  });

  it('never keeps the axios error (which holds the bearer token) as the cause', async () => {
    messages().reply(400, graphError(131026));
    const error = (await graph.sendMessage(body).catch((e: unknown) => e)) as Error;
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(TEST_ACCESS_TOKEN);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('media download', () => {
  const media = () => nock(API, { reqheaders: { authorization: `Bearer ${TEST_ACCESS_TOKEN}` } });
  const lookaside = () =>
    nock('https://lookaside.fbsbx.com', { reqheaders: { authorization: `Bearer ${TEST_ACCESS_TOKEN}` } });
  const url = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1428577362284913';

  it('looks the id up, then downloads the URL with the bearer token', async () => {
    media()
      .get('/v26.0/1428577362284913')
      .query({ phone_number_id: PHONE_NUMBER_ID })
      .reply(200, { url, mime_type: 'image/jpeg', file_size: 4, id: '1428577362284913' });
    lookaside()
      .get('/whatsapp_business/attachments/')
      .query({ mid: '1428577362284913' })
      .reply(200, Buffer.from([1, 2, 3, 4]));
    const file = await fetchWhatsAppMedia(graph, '1428577362284913', 1024);
    expect(file).toEqual({ data: Buffer.from([1, 2, 3, 4]), mimeType: 'image/jpeg' });
  });

  it('refuses a file over the cap before downloading it', async () => {
    media().get('/v26.0/77').query(true).reply(200, { url, mime_type: 'video/mp4', file_size: 5000 });
    await expect(fetchWhatsAppMedia(graph, '77', 1024)).rejects.toBeInstanceOf(NotSupportedError);
  });

  it('stops a download that grows past the cap when the size was not announced', async () => {
    media().get('/v26.0/78').query(true).reply(200, { url });
    lookaside().get('/whatsapp_business/attachments/').query(true).reply(200, Buffer.alloc(4096));
    await expect(fetchWhatsAppMedia(graph, '78', 1024)).rejects.toBeInstanceOf(NotSupportedError);
  });

  it('looks the URL up again once when it already expired (404)', async () => {
    media().get('/v26.0/79').query(true).twice().reply(200, { url });
    lookaside().get('/whatsapp_business/attachments/').query(true).reply(404);
    lookaside().get('/whatsapp_business/attachments/').query(true).reply(200, Buffer.from('ok'));
    await expect(fetchWhatsAppMedia(graph, '79', 1024)).resolves.toMatchObject({ data: Buffer.from('ok') });
  });
});

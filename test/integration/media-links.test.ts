import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaLinks, createMediaRoute } from '../../src/http/media-links.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import type { MediaContent } from '../../src/ports/channel-adapter.ts';
import { FakeChannelAdapter } from '../fakes/fake-channel-adapter.ts';
import { type Harness, createHarness } from '../helpers/engine-harness.ts';
import { customerMessage } from '../helpers/events.ts';

/** A channel whose files, like WhatsApp media, can only be fetched through the platform. */
class MediaChannel extends FakeChannelAdapter {
  readonly fetched: string[] = [];
  async fetchMedia(mediaId: string): Promise<MediaContent> {
    this.fetched.push(mediaId);
    return { data: new TextEncoder().encode(`bytes of ${mediaId}`), mimeType: 'image/jpeg' };
  }
}

describe('customer files reach staff as signed links', () => {
  let h: Harness | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await h?.close();
    await close?.();
  });

  it('relays a media attachment with a link that serves the file, and refuses a tampered or expired one', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const links = createMediaLinks({
      publicUrl: 'http://127.0.0.1:1',
      secret: 's3cret',
      ttlMs: 60_000,
      clock,
    });
    const adapter = new MediaChannel();
    h = await createHarness({ backend: 'memory', adapter, mediaLink: (p, m) => links.link(p, m) });
    await h.engine.ingest(customerMessage('files', 'a person please'));
    await h.engine.ingest(
      customerMessage('files', 'here is the damage', {
        attachments: [{ kind: 'image', mediaId: 'MEDIA-1', mimeType: 'image/jpeg', caption: 'box' }],
      }),
    );
    await h.queue.idle();
    const relay = h.desk.of('relay')[0];
    expect(relay?.text).toBe('here is the damage');
    const server = createHttpServer({
      routes: [
        createMediaRoute({ links, adapters: new Map([[adapter.platform, adapter]]), logger: silentLogger }),
      ],
      logger: silentLogger,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(relay?.attachments?.[0]?.url ?? 'http://missing/');
    expect(url.pathname).toBe('/media');
    expect(url.search).not.toContain('s3cret');

    const ok = await fetch(`${base}/media${url.search}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    expect(await ok.text()).toBe('bytes of MEDIA-1');

    const tampered = new URLSearchParams(url.search);
    tampered.set('m', 'MEDIA-2');
    expect((await fetch(`${base}/media?${tampered.toString()}`)).status).toBe(403);
    now += 61_000;
    expect((await fetch(`${base}/media${url.search}`)).status).toBe(403);
    expect(adapter.fetched).toEqual(['MEDIA-1']);
  });
});

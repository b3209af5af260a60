import { createHmac, timingSafeEqual } from 'node:crypto';
import { TimeoutError } from '../errors.ts';
import type { ChannelAdapter } from '../ports/channel-adapter.ts';
import type { Clock } from '../ports/clock.ts';
import type { HttpRoute } from '../ports/http-route.ts';
import type { Logger } from '../ports/logger.ts';
import { sendJson } from './body.ts';

export interface MediaLinkConfig {
  /** Public base URL of this deployment, e.g. `https://bot.example.com`. */
  readonly publicUrl: string;
  /** HMAC key; every instance behind one URL must share it. */
  readonly secret: string;
  readonly ttlMs: number;
  readonly clock: Clock;
}

export interface MediaLinks {
  /** A signed, expiring link to a platform media file, for staff. */
  link(platform: string, mediaId: string): string;
  /** The platform and media id a link names, if its signature holds and it has not expired. */
  verify(query: URLSearchParams): { readonly platform: string; readonly mediaId: string } | null;
}

/**
 * Signed links to customer media (WhatsApp files are reachable only with the
 * platform token): `GET /media?p=<platform>&m=<media id>&e=<expiry>&s=<hmac>`. The
 * link reveals no token and stops working after `ttlMs`; our server fetches the file
 * through the adapter when staff open it.
 */
export function createMediaLinks(config: MediaLinkConfig): MediaLinks {
  const sign = (platform: string, mediaId: string, expires: number) =>
    createHmac('sha256', config.secret).update(`${platform}\n${mediaId}\n${expires}`).digest('base64url');
  return {
    link(platform, mediaId) {
      const expires = config.clock.now() + config.ttlMs;
      const query = new URLSearchParams({
        p: platform,
        m: mediaId,
        e: String(expires),
        s: sign(platform, mediaId, expires),
      });
      return `${config.publicUrl.replace(/\/+$/, '')}/media?${query.toString()}`;
    },
    verify(query) {
      const platform = query.get('p');
      const mediaId = query.get('m');
      const expires = Number(query.get('e'));
      const signature = query.get('s') ?? '';
      if (!platform || !mediaId || !Number.isFinite(expires) || expires < config.clock.now()) return null;
      const expected = Buffer.from(sign(platform, mediaId, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? { platform, mediaId }
        : null;
    },
  };
}

/** `GET /media`: serves a linked file through its adapter's `fetchMedia`. */
export function createMediaRoute(options: {
  readonly links: MediaLinks;
  readonly adapters: ReadonlyMap<string, ChannelAdapter>;
  readonly logger: Logger;
}): HttpRoute {
  return {
    method: 'GET',
    path: '/media',
    async handle(req, res) {
      const query = new URL(req.url ?? '/', 'http://local').searchParams;
      const target = options.links.verify(query);
      if (!target) {
        sendJson(res, 403, { error: 'this media link is invalid or has expired' });
        return;
      }
      const adapter = options.adapters.get(target.platform);
      if (!adapter?.fetchMedia) {
        sendJson(res, 404, { error: 'no media for this platform' });
        return;
      }
      try {
        const media = await adapter.fetchMedia(target.mediaId);
        res.writeHead(200, {
          'content-type': media.mimeType ?? 'application/octet-stream',
          'content-length': String(media.data.byteLength),
          'cache-control': 'private, no-store',
        });
        res.end(media.data);
      } catch (error) {
        options.logger.warn({ err: error, platform: target.platform }, 'media fetch failed');
        sendJson(res, error instanceof TimeoutError ? 504 : 502, {
          error: 'the platform did not return the file',
        });
      }
    },
  };
}

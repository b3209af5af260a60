import { NotSupportedError, PlatformApiError } from '../../src/errors.ts';
import type { GraphClient } from './api.ts';

/** A downloaded inbound file. */
export interface MediaFile {
  readonly data: Buffer;
  readonly mimeType?: string;
}

/**
 * Downloads inbound media on demand (for relay to staff): media id → short-lived URL
 * → bytes, both with the bearer token. The URL expires within minutes, so it is
 * looked up right before the download and looked up once more if it already expired.
 * @throws NotSupportedError when the file is larger than `maxBytes`.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media
 */
export async function fetchWhatsAppMedia(
  graph: GraphClient,
  mediaId: string,
  maxBytes: number,
): Promise<MediaFile> {
  for (let attempt = 0; ; attempt++) {
    const info = await graph.getMedia(mediaId);
    if (info.sizeBytes !== undefined && info.sizeBytes > maxBytes) {
      throw new NotSupportedError(`media of ${info.sizeBytes} bytes exceeds the ${maxBytes}-byte cap`);
    }
    try {
      const data = await graph.download(info.url, maxBytes);
      return { data, ...(info.mimeType ? { mimeType: info.mimeType } : {}) };
    } catch (error) {
      const expired = error instanceof PlatformApiError && error.status === 404;
      if (!expired || attempt > 0) throw error;
    }
  }
}

import type { KeySpace } from '../context/keys.ts';
import type { Mailbox } from '../ports/mailbox.ts';
import type { RedisClient } from '../redis/connect.ts';

export interface RedisMailboxConfig {
  readonly redis: RedisClient;
  readonly keys: KeySpace;
  /** Boxes expire if nobody takes from them (a client that gave up). */
  readonly ttlSeconds?: number;
  readonly pollMs?: number;
}

/**
 * `Mailbox` over Redis lists, so a reply produced by any worker process reaches
 * the process holding the HTTP request. Takers poll with LPOP rather than BLPOP:
 * a blocking pop would hold a connection per waiting request.
 */
export class RedisMailbox implements Mailbox {
  readonly #config: RedisMailboxConfig;

  constructor(config: RedisMailboxConfig) {
    this.#config = config;
  }

  async push(box: string, item: unknown): Promise<void> {
    const key = this.#config.keys.mailbox(box);
    await this.#config.redis
      .multi()
      .rpush(key, JSON.stringify(item))
      .expire(key, this.#config.ttlSeconds ?? 300)
      .exec();
  }

  async take(box: string, timeoutMs: number): Promise<unknown> {
    const key = this.#config.keys.mailbox(box);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const json = await this.#config.redis.lpop(key);
      if (json !== null) return JSON.parse(json) as unknown;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, this.#config.pollMs ?? 10));
    }
  }

  async close(): Promise<void> {}
}

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Release and renew only if we still own the lease, so an expired lease taken over
// by another worker is never deleted or extended by the old owner.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

type LeaseRedis = Redis & {
  sbLeaseRelease(key: string, token: string): Promise<number>;
  sbLeaseRenew(key: string, token: string, ttlMs: number): Promise<number>;
};

/** A held per-conversation lease, renewed in the background until released. */
export interface Lease {
  readonly key: string;
  readonly token: string;
  /** False once a renewal found the lease gone (expired and maybe taken). */
  held(): boolean;
  release(): Promise<void>;
}

/**
 * Per-conversation mutual exclusion across processes: `SET NX PX` with a random
 * token, renewed at a third of its lifetime so long turns (slow LLM calls) keep
 * it, and expiring by itself when the holder dies.
 */
export class LeaseManager {
  readonly #redis: LeaseRedis;
  readonly #leaseMs: number;

  constructor(redis: Redis, leaseMs: number) {
    const r = redis as LeaseRedis;
    if (typeof r.sbLeaseRelease !== 'function') {
      r.defineCommand('sbLeaseRelease', { numberOfKeys: 1, lua: RELEASE });
      r.defineCommand('sbLeaseRenew', { numberOfKeys: 1, lua: RENEW });
    }
    this.#redis = r;
    this.#leaseMs = leaseMs;
  }

  async acquire(key: string): Promise<Lease | null> {
    const token = randomUUID();
    const ok = await this.#redis.set(key, token, 'PX', this.#leaseMs, 'NX');
    if (ok !== 'OK') return null;
    let held = true;
    const timer = setInterval(
      () => {
        this.#redis
          .sbLeaseRenew(key, token, this.#leaseMs)
          .then((renewed) => {
            if (renewed !== 1) held = false;
          })
          .catch(() => {
            // A failed renewal is not a lost lease yet; the next tick tries again.
          });
      },
      Math.max(100, Math.floor(this.#leaseMs / 3)),
    );
    timer.unref();
    return {
      key,
      token,
      held: () => held,
      release: async () => {
        clearInterval(timer);
        held = false;
        await this.#redis.sbLeaseRelease(key, token);
      },
    };
  }
}

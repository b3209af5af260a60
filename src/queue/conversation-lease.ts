import { LockLostError } from '../errors.ts';
import type { Fence } from '../ports/inbound-queue.ts';

/** What a lease needs from its backing store. */
export interface LeaseBackend {
  /** Extends the lease if `token` still holds it; false when it does not. */
  renew(token: string, leaseMs: number): Promise<boolean>;
  /** Deletes the lease if `token` still holds it. */
  release(token: string): Promise<void>;
}

/**
 * A held per-conversation lease: renewed at a third of its lifetime so long turns
 * keep it, and considered lost locally as soon as it can no longer be sure it
 * holds it — a renewal said no, or no renewal succeeded within the lease time (a
 * stalled event loop, a Redis outage). Writes are fenced in the store anyway; this
 * local view stops the turn before it performs another effect.
 */
export class ConversationLease implements Fence {
  readonly token: string;
  readonly #backend: LeaseBackend;
  readonly #leaseMs: number;
  #confirmedAt: number;
  #lost = false;
  #aborted = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(backend: LeaseBackend, token: string, leaseMs: number, acquiredAt: number) {
    this.#backend = backend;
    this.token = token;
    this.#leaseMs = leaseMs;
    this.#confirmedAt = acquiredAt;
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.#timer.unref();
  }

  held(): boolean {
    if (this.#lost || this.#aborted) return false;
    // Keep a safety margin: another process may take the lease the moment it expires.
    return Date.now() < this.#confirmedAt + this.#leaseMs - Math.min(1_000, this.#leaseMs / 10);
  }

  check(): void {
    if (this.#aborted) throw new LockLostError('turn aborted by shutdown; the lease is handed back');
    if (!this.held()) throw new LockLostError('conversation lease lost; another worker continues');
  }

  /** Shutdown: the turn stops at its next effect. */
  abort(): void {
    this.#aborted = true;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** The store said the lease is gone. */
  markLost(): void {
    this.#lost = true;
    this.#stopTimer();
  }

  /** Stops renewing without releasing (the ack script released it, or it was lost). */
  end(): void {
    this.#stopTimer();
  }

  async release(): Promise<void> {
    this.#stopTimer();
    if (this.#lost) return;
    this.#lost = true;
    await this.#backend.release(this.token);
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    const sentAt = Date.now();
    try {
      const ok = await this.#backend.renew(this.token, this.#leaseMs);
      if (ok) this.#confirmedAt = sentAt;
      else this.markLost();
    } catch {
      // Not lost yet: `held()` turns false by itself once the lease time passed unconfirmed.
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

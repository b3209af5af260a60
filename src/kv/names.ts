/**
 * Argument checks shared by the key-value implementations. A bad namespace or TTL is
 * a bug in the caller, so it throws at once (RangeError) instead of storing
 * something that never expires or collides with another namespace.
 */

/** Letters, digits, `_` and `-`: no `:`, so `namespace:key` can never be read two ways. */
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;

export function assertNamespace(name: string): void {
  if (!NAMESPACE.test(name)) {
    throw new RangeError(`key-value namespace "${name}" must be 1-64 letters, digits, _ or -`);
  }
}

/** Whole milliseconds, at least 1 (Redis `PX` takes a positive integer). */
export function ttlToMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`key-value TTL must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.max(1, Math.ceil(ttlMs));
}

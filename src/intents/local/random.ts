/**
 * Seeded pseudo-random numbers so training (shuffles, validation splits) is
 * reproducible: the same examples and seed always give the same model.
 */

/** A uniform [0, 1) generator. */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for shuffling; not for cryptography. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place; returns the same array for chaining. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, random: Random): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  return Int32Array.from(shuffleInPlace(order, random));
}

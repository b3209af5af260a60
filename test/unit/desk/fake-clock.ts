import type { Clock } from '../../../src/ports/clock.ts';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-01-14T10:00:00Z')) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  advanceMinutes(minutes: number): void {
    this.#now += minutes * 60_000;
  }
}

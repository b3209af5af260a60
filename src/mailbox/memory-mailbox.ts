import type { Mailbox } from '../ports/mailbox.ts';

/** Boxes kept at most; a box nobody takes from (a client that went away) is dropped oldest first. */
const MAX_BOXES = 10_000;
/** Items kept per box; older ones go first. */
const MAX_ITEMS = 100;

/**
 * In-process `Mailbox`: items wait in arrays; takers wait on promises. Bounded: a
 * box is re-inserted on every push, so the Map's first entry is the least recently
 * used one and is dropped when there are too many (O(1) per push).
 */
export class MemoryMailbox implements Mailbox {
  readonly #items = new Map<string, unknown[]>();
  readonly #waiters = new Map<string, ((item: unknown) => void)[]>();

  async push(box: string, item: unknown): Promise<void> {
    const waiters = this.#waiters.get(box);
    const waiter = waiters?.shift();
    if (waiters?.length === 0) this.#waiters.delete(box);
    if (waiter) {
      waiter(structuredClone(item));
      return;
    }
    const items = this.#items.get(box) ?? [];
    items.push(structuredClone(item));
    if (items.length > MAX_ITEMS) items.shift();
    this.#items.delete(box);
    this.#items.set(box, items);
    if (this.#items.size > MAX_BOXES) {
      const oldest = this.#items.keys().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
  }

  take(box: string, timeoutMs: number): Promise<unknown> {
    const items = this.#items.get(box);
    if (items && items.length > 0) {
      const item = items.shift();
      if (items.length === 0) this.#items.delete(box);
      return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(box) ?? [];
      const timer = setTimeout(() => {
        const list = this.#waiters.get(box);
        const index = list?.indexOf(deliver) ?? -1;
        if (list && index >= 0) list.splice(index, 1);
        if (list?.length === 0) this.#waiters.delete(box);
        resolve(null);
      }, timeoutMs);
      const deliver = (item: unknown): void => {
        clearTimeout(timer);
        resolve(item);
      };
      waiters.push(deliver);
      this.#waiters.set(box, waiters);
    });
  }

  async close(): Promise<void> {
    this.#items.clear();
  }
}

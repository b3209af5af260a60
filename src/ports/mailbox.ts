/**
 * Point-to-point hand-over of small JSON items between processes: one process
 * pushes to a named box, another waits for it. The sandbox uses it to return a
 * turn's replies to the HTTP request that caused it, whichever worker ran the turn.
 */
export interface Mailbox {
  push(box: string, item: unknown): Promise<void>;
  /** Waits up to `timeoutMs` for the next item; null on timeout. */
  take(box: string, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

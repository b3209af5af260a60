/**
 * Redis key layout. Every key starts with the configured prefix so several
 * deployments (and test runs) can share one Redis without seeing each other.
 */
export interface KeySpace {
  readonly context: (conversationKey: string) => string;
  readonly profile: (customerId: string) => string;
  readonly dedupe: (platform: string, eventId: string) => string;
  readonly inbox: (conversationKey: string) => string;
  readonly lock: (conversationKey: string) => string;
  readonly deadLetter: string;
  readonly mailbox: (box: string) => string;
  /** Prefix handed to BullMQ, which appends its own `:queue:...` parts. */
  readonly bullPrefix: string;
}

export function createKeySpace(prefix: string): KeySpace {
  return {
    context: (k) => `${prefix}:ctx:${k}`,
    profile: (id) => `${prefix}:profile:${id}`,
    dedupe: (platform, id) => `${prefix}:dedupe:${platform}:${id}`,
    inbox: (k) => `${prefix}:inbox:${k}`,
    lock: (k) => `${prefix}:lock:${k}`,
    deadLetter: `${prefix}:deadletter`,
    mailbox: (box) => `${prefix}:mailbox:${box}`,
    bullPrefix: `${prefix}:bull`,
  };
}

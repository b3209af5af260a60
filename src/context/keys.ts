/**
 * Redis key layout. Every key starts with the configured prefix so several
 * deployments (and test runs) can share one Redis without seeing each other.
 *
 * Redis Cluster: every key of one conversation (context and turn record, inbox,
 * lease, fence counter, dedupe markers of its events) carries the hash tag
 * `{c:<conversation key>}`, so each script touches one slot. Customer profiles are
 * tagged by customer, dead letters and BullMQ's own keys by their own tags; no
 * script spans two tags.
 */
export interface KeySpace {
  readonly context: (conversationKey: string) => string;
  readonly profile: (customerId: string) => string;
  readonly dedupe: (conversationKey: string, platform: string, eventId: string) => string;
  readonly inbox: (conversationKey: string) => string;
  readonly lock: (conversationKey: string) => string;
  /** Idempotency keys of the recorded turn's effects already performed. */
  readonly done: (conversationKey: string) => string;
  /** Counter behind the lease's fencing token: only grows while the conversation lives. */
  readonly fence: (conversationKey: string) => string;
  /** `MATCH` pattern of every inbox key, for the recovery sweep. */
  readonly inboxPattern: string;
  /** Recovers the conversation key from an inbox key found by the sweep. */
  readonly conversationOfInbox: (inboxKey: string) => string | null;
  readonly deadLetter: string;
  readonly mailbox: (box: string) => string;
  /** Prefix handed to BullMQ, which appends its own `:queue:...` parts; braces keep its keys in one slot. */
  readonly bullPrefix: string;
}

export function createKeySpace(prefix: string): KeySpace {
  const tag = (k: string) => `${prefix}:{c:${k}}`;
  const inboxSuffix = ':inbox';
  const inboxHead = `${prefix}:{c:`;
  return {
    context: (k) => `${tag(k)}:ctx`,
    profile: (id) => `${prefix}:{p:${id}}:profile`,
    dedupe: (k, platform, id) => `${tag(k)}:dedupe:${platform}:${id}`,
    inbox: (k) => `${tag(k)}${inboxSuffix}`,
    lock: (k) => `${tag(k)}:lock`,
    fence: (k) => `${tag(k)}:fence`,
    done: (k) => `${tag(k)}:done`,
    inboxPattern: `${escapeGlob(inboxHead)}*}${inboxSuffix}`,
    conversationOfInbox: (key) =>
      key.startsWith(inboxHead) && key.endsWith(`}${inboxSuffix}`)
        ? key.slice(inboxHead.length, key.length - inboxSuffix.length - 1)
        : null,
    deadLetter: `${prefix}:{deadletter}`,
    mailbox: (box) => `${prefix}:{mailbox:${box}}`,
    bullPrefix: `{${prefix}:bull}`,
  };
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

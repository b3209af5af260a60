import type { RedisClient } from '../redis/connect.ts';

/** A single-node, Sentinel or Cluster client: every script below touches one hash slot. */
export type { RedisClient };

// Dedupe and durable append in one atomic step: either the event is new and is now
// in its conversation's inbox, or it was seen before and nothing changes. The inbox
// gets a TTL so an abandoned one cannot live forever.
const INGEST = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 1
end
return 0`;

// Takes the lease with a fencing token that only grows (INCR), and returns the head
// event with the stored context, turn record and done marks in the same round trip.
// Answers {0, pttl} when someone holds the lease, {2} when the inbox is empty.
const BEGIN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('PTTL', KEYS[1])} end
local head = redis.call('LINDEX', KEYS[3], 0)
if not head then return {2} end
local token = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return {1, tostring(token), head, redis.call('HGETALL', KEYS[4]), redis.call('SMEMBERS', KEYS[5])}`;

// Records the decision with the context: only under our lease and only over the
// version we read. -1: lease lost; 0: someone else wrote the context.
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if (redis.call('HGET', KEYS[2], 'v') or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'v', ARGV[3], 'd', ARGV[4], 't', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('DEL', KEYS[3])
return 1`;

const MARK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

// Finishes the head event: pops it and clears its record and done marks, only under
// our lease. If the inbox is now empty the lease is released in the same step, so an
// event appended after this moment finds the lease free (its wake-up drains it);
// otherwise the lease is kept and the next event is returned with its state.
const ACK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-1} end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2] then return {0} end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[3], 't')
redis.call('DEL', KEYS[4])
local nxt = redis.call('LINDEX', KEYS[2], 0)
if not nxt then
  redis.call('DEL', KEYS[1])
  return {2}
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, nxt, redis.call('HGETALL', KEYS[3]), {}}`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

type Reply = (string | number | string[] | Reply[])[];

export interface QueueCommands {
  sbIngest(
    dedupe: string,
    inbox: string,
    dedupeTtlMs: number,
    payload: string,
    inboxTtlMs: number,
  ): Promise<number>;
  sbBegin(
    lock: string,
    fence: string,
    inbox: string,
    ctx: string,
    done: string,
    leaseMs: number,
    fenceTtlMs: number,
  ): Promise<Reply>;
  sbCommit(
    lock: string,
    ctx: string,
    done: string,
    token: string,
    expectedVersion: string,
    nextVersion: string,
    json: string,
    record: string,
    ttlMs: number,
  ): Promise<number>;
  sbMark(lock: string, done: string, token: string, effectKey: string, ttlMs: number): Promise<number>;
  sbAck(
    lock: string,
    inbox: string,
    ctx: string,
    done: string,
    token: string,
    head: string,
    leaseMs: number,
  ): Promise<Reply>;
  sbRelease(lock: string, token: string): Promise<number>;
  sbRenew(lock: string, token: string, leaseMs: number): Promise<number>;
}

/** Registers the queue's scripts on a client (once) and returns it typed. */
export function withQueueCommands(redis: RedisClient): RedisClient & QueueCommands {
  const r = redis as RedisClient & Partial<QueueCommands>;
  if (typeof r.sbBegin !== 'function') {
    r.defineCommand('sbIngest', { numberOfKeys: 2, lua: INGEST });
    r.defineCommand('sbBegin', { numberOfKeys: 5, lua: BEGIN });
    r.defineCommand('sbCommit', { numberOfKeys: 3, lua: COMMIT });
    r.defineCommand('sbMark', { numberOfKeys: 2, lua: MARK });
    r.defineCommand('sbAck', { numberOfKeys: 4, lua: ACK });
    r.defineCommand('sbRelease', { numberOfKeys: 1, lua: RELEASE });
    r.defineCommand('sbRenew', { numberOfKeys: 1, lua: RENEW });
  }
  return r as RedisClient & QueueCommands;
}

/** Turns an HGETALL reply (flat array) into a record. */
export function pairsToObject(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

import type { Cluster, Redis } from 'ioredis';
import { StoreConflictError, StoreUnavailableError } from '../errors.ts';
import { DESK_LIMITS } from './limits.ts';
import {
  DESK_TIMER_KINDS,
  type DeskTimerKind,
  type DueTimer,
  type StoredTicket,
  type TicketStore,
  type TimerPlan,
  type TimerStore,
  isOpenState,
  parseTimerMember,
  refKey,
} from './store.ts';

type RedisClient = Redis | Cluster;

/**
 * Redis key layout of the desk. Redis Cluster: a ticket's keys carry the hash tag
 * `{t:<ticket id>}`; the two indexes share `{desk-index}` and the timer set and its
 * slot hash share `{desk-timers}`, so every script and transaction touches one slot.
 * Card references and "done" markers are single keys.
 */
interface DeskKeys {
  readonly ticket: (ticketId: string) => string;
  readonly openIndex: string;
  readonly closedIndex: string;
  readonly ref: (refKey: string) => string;
  readonly done: (key: string) => string;
  readonly timersDue: string;
  readonly timerSlots: string;
}

function createDeskKeys(prefix: string): DeskKeys {
  // A brace inside an id would end the hash tag early; encode it.
  const safe = (s: string) => s.replace(/[{}%]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return {
    ticket: (id) => `${prefix}:desk:{t:${safe(id)}}:ticket`,
    openIndex: `${prefix}:desk:{desk-index}:open`,
    closedIndex: `${prefix}:desk:{desk-index}:closed`,
    ref: (key) => `${prefix}:desk:ref:${safe(key)}`,
    done: (key) => `${prefix}:desk:done:${safe(key)}`,
    timersDue: `${prefix}:desk:{desk-timers}:due`,
    timerSlots: `${prefix}:desk:{desk-timers}:slots`,
  };
}

// Compare-and-set of one ticket: writes only if the stored JSON is still what the
// caller read ('' = absent). Lua keeps it one round trip on a shared connection.
const TICKET_CAS = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

// Applies a timer plan. Due times travel as strings: Lua would print large numbers
// in exponent form when building member names.
const TIMERS_APPLY = `
local plan = cjson.decode(ARGV[1])
for _, kind in ipairs(plan.cancel) do
  local slot = plan.id .. '|' .. kind
  local old = redis.call('HGET', KEYS[2], slot)
  if old then
    redis.call('ZREM', KEYS[1], old)
    redis.call('HDEL', KEYS[2], slot)
  end
end
for _, timer in ipairs(plan.schedule) do
  local slot = plan.id .. '|' .. timer.kind
  local old = redis.call('HGET', KEYS[2], slot)
  if not (old and timer.keep) then
    if old then redis.call('ZREM', KEYS[1], old) end
    local member = slot .. '|' .. timer.due
    redis.call('ZADD', KEYS[1], timer.due, member)
    redis.call('HSET', KEYS[2], slot, member)
  end
end
return 1
`;

// Claims due timers: each moves to the end of the caller's lease in the same script,
// so two instances polling at once never both get it.
const TIMERS_CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], member)
end
return due
`;

// Completes a fired timer only while the caller's lease is still the one stored.
const TIMERS_COMPLETE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  if redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[3]) end
  return 1
end
return 0
`;

type DeskRedis = RedisClient & {
  sbDeskCas(key: string, expected: string, next: string, ttlMs: number): Promise<number>;
  sbDeskTimersApply(due: string, slots: string, plan: string): Promise<number>;
  sbDeskTimersClaim(due: string, now: number, leaseUntil: number, limit: number): Promise<string[]>;
  sbDeskTimersComplete(
    due: string,
    slots: string,
    member: string,
    lease: number,
    slot: string,
  ): Promise<number>;
};

function withScripts(client: RedisClient): DeskRedis {
  const redis = client as DeskRedis;
  if (typeof redis.sbDeskCas !== 'function') {
    redis.defineCommand('sbDeskCas', { numberOfKeys: 1, lua: TICKET_CAS });
    redis.defineCommand('sbDeskTimersApply', { numberOfKeys: 2, lua: TIMERS_APPLY });
    redis.defineCommand('sbDeskTimersClaim', { numberOfKeys: 1, lua: TIMERS_CLAIM });
    redis.defineCommand('sbDeskTimersComplete', { numberOfKeys: 2, lua: TIMERS_COMPLETE });
  }
  return redis;
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreConflictError) throw error;
    throw new StoreUnavailableError(`desk store: ${what} failed`, { cause: error });
  }
}

export interface RedisDeskStoreConfig {
  readonly redis: RedisClient;
  readonly prefix: string;
  /** Compare-and-set attempts before a write gives up with `StoreConflictError`. */
  readonly maxConflictRetries?: number;
}

/**
 * Tickets in Redis: one JSON value per ticket (its thread bounded) written by
 * compare-and-set, sorted-set indexes of open and recently closed tickets, card
 * references, and "done" markers for calls that touch no ticket. Every key expires
 * (`DESK_LIMITS.ticketTtlMs` after the ticket's last change), so nothing grows forever.
 */
export class RedisTicketStore implements TicketStore {
  readonly #redis: DeskRedis;
  readonly #keys: DeskKeys;
  readonly #retries: number;

  constructor(config: RedisDeskStoreConfig) {
    this.#redis = withScripts(config.redis);
    this.#keys = createDeskKeys(config.prefix);
    this.#retries = config.maxConflictRetries ?? 20;
  }

  async get(ticketId: string): Promise<StoredTicket | null> {
    const json = await call('get', () => this.#redis.get(this.#keys.ticket(ticketId)));
    return json === null ? null : (JSON.parse(json) as StoredTicket);
  }

  async getMany(ticketIds: readonly string[]): Promise<StoredTicket[]> {
    // One GET per ticket: keys live in different slots, so no MGET on a cluster.
    const values = await call('get many', () =>
      Promise.all(ticketIds.map((id) => this.#redis.get(this.#keys.ticket(id)))),
    );
    return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as StoredTicket]));
  }

  async create(record: StoredTicket): Promise<StoredTicket> {
    const key = this.#keys.ticket(record.ticket.id);
    const json = JSON.stringify(record);
    const created = await call('create', () => this.#redis.sbDeskCas(key, '', json, DESK_LIMITS.ticketTtlMs));
    if (created === 1) {
      await this.#index(record);
      return record;
    }
    const existing = await this.get(record.ticket.id);
    return existing ?? record;
  }

  async update(
    ticketId: string,
    change: (current: StoredTicket) => StoredTicket | null,
  ): Promise<StoredTicket | null> {
    const key = this.#keys.ticket(ticketId);
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      const json = await call('read', () => this.#redis.get(key));
      if (json === null) return null;
      const current = JSON.parse(json) as StoredTicket;
      const next = change(current);
      if (!next) return current;
      const nextJson = JSON.stringify(next);
      const written = await call('write', () =>
        this.#redis.sbDeskCas(key, json, nextJson, DESK_LIMITS.ticketTtlMs),
      );
      if (written === 1) {
        if (next.ticket.state !== current.ticket.state) await this.#index(next);
        return next;
      }
      // Someone wrote in between: back off a little (jittered) so a burst of writers converges.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new StoreConflictError(`desk ticket ${ticketId} kept changing under concurrent writes`);
  }

  async listIds(which: 'open' | 'closed', limit: number): Promise<string[]> {
    const key = which === 'open' ? this.#keys.openIndex : this.#keys.closedIndex;
    return call('list', () => this.#redis.zrange(key, String(-limit), '-1'));
  }

  async putRef(face: string, ref: Readonly<Record<string, string>>, ticketId: string): Promise<void> {
    await call('put ref', () =>
      this.#redis.set(this.#keys.ref(refKey(face, ref)), ticketId, 'PX', DESK_LIMITS.ticketTtlMs),
    );
  }

  async findRef(face: string, ref: Readonly<Record<string, string>>): Promise<string | null> {
    return call('find ref', () => this.#redis.get(this.#keys.ref(refKey(face, ref))));
  }

  async isDone(key: string): Promise<boolean> {
    return (await call('done?', () => this.#redis.exists(this.#keys.done(key)))) === 1;
  }

  async markDone(key: string): Promise<void> {
    await call('mark done', () => this.#redis.set(this.#keys.done(key), '1', 'PX', DESK_LIMITS.onceTtlMs));
  }

  /** Keeps the indexes in step with the ticket's state (idempotent; both keys share a tag). */
  async #index(record: StoredTicket): Promise<void> {
    const { ticket } = record;
    const tx = this.#redis.multi();
    if (isOpenState(ticket.state)) {
      tx.zadd(this.#keys.openIndex, ticket.openedAt, ticket.id);
      tx.zremrangebyrank(this.#keys.openIndex, 0, -(DESK_LIMITS.openIndex + 1));
      tx.zrem(this.#keys.closedIndex, ticket.id);
    } else {
      tx.zrem(this.#keys.openIndex, ticket.id);
      tx.zadd(this.#keys.closedIndex, ticket.resolvedAt ?? ticket.openedAt, ticket.id);
      tx.zremrangebyrank(this.#keys.closedIndex, 0, -(DESK_LIMITS.closedIndex + 1));
    }
    await call('index', () => tx.exec());
  }
}

/** Timers in one Redis sorted set (score = due time) plus a hash of the current timer per ticket and kind. */
export class RedisTimerStore implements TimerStore {
  readonly #redis: DeskRedis;
  readonly #keys: DeskKeys;

  constructor(config: RedisDeskStoreConfig) {
    this.#redis = withScripts(config.redis);
    this.#keys = createDeskKeys(config.prefix);
  }

  async apply(ticketId: string, plan: TimerPlan): Promise<void> {
    if (plan.cancel.length === 0 && plan.schedule.length === 0) return;
    const payload = JSON.stringify({
      id: ticketId,
      cancel: plan.cancel,
      schedule: plan.schedule.map((t) => ({ kind: t.kind, due: String(t.dueAt), keep: t.keepEarlier })),
    });
    await call('schedule timers', () =>
      this.#redis.sbDeskTimersApply(this.#keys.timersDue, this.#keys.timerSlots, payload),
    );
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<DueTimer[]> {
    const members = await call('claim timers', () =>
      this.#redis.sbDeskTimersClaim(this.#keys.timersDue, now, leaseUntil, limit),
    );
    return members.flatMap((member) => {
      const parsed = parseTimerMember(member);
      return parsed ? [{ ...parsed, member, claimedUntil: leaseUntil }] : [];
    });
  }

  async complete(timer: DueTimer): Promise<void> {
    await call('complete timer', () =>
      this.#redis.sbDeskTimersComplete(
        this.#keys.timersDue,
        this.#keys.timerSlots,
        timer.member,
        timer.claimedUntil,
        `${timer.ticketId}|${timer.kind}`,
      ),
    );
  }

  async scheduled(ticketId: string): Promise<{ kind: DeskTimerKind; dueAt: number }[]> {
    const members = await call('read timers', () =>
      this.#redis.hmget(this.#keys.timerSlots, ...DESK_TIMER_KINDS.map((k) => `${ticketId}|${k}`)),
    );
    return members.flatMap((member) => {
      const parsed = member === null ? null : parseTimerMember(member);
      return parsed ? [{ kind: parsed.kind, dueAt: parsed.dueAt }] : [];
    });
  }
}

import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { type SlackAdapter, createSlackAdapter } from '../../adapters/slack/index.ts';
import type { LastTurnReader } from '../../adapters/slack/types.ts';
import { type Desk, createDesk } from '../../src/desk/desk.ts';
import { MemoryTicketStore, MemoryTimerStore } from '../../src/desk/memory-store.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { MemoryKeyValueSpace } from '../../src/kv/memory-key-value.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import type { HandoffTicket } from '../../src/model/ownership.ts';
import type { Ticket } from '../../src/model/ticket.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { EnqueueResult } from '../../src/ports/inbound-queue.ts';
import { contextFor, handoffRequest } from '../unit/desk/requests.ts';
import { FAKE_SLACK, FakeSlack } from './fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** The `v0=` signature Slack puts on a request. @see https://docs.slack.dev/authentication/verifying-requests-from-slack */
export function signSlack(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A `block_actions` payload as Slack sends it: form-encoded `payload=<json>`. */
export function formPayload(payload: unknown): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface PostOptions {
  readonly contentType?: string;
  /** Request timestamp in seconds (default now). */
  readonly timestamp?: number;
  /** Overrides the computed signature. */
  readonly signature?: string;
  readonly headers?: Record<string, string>;
}

/** POSTs a signed request like Slack does; resolves with status and body. */
export function postSigned(
  url: string,
  body: string,
  options: PostOptions = {},
): Promise<{ status: number; body: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': options.contentType ?? 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? signSlack(body, timestamp),
    'content-length': String(Buffer.byteLength(body)),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * An `EventSink` that records what it is given and, like the engine's queue, accepts
 * each `platform:id` once (`duplicate` after), so a test sees both what the adapter
 * handed over and what the engine would have kept.
 */
export class RecordingSink implements EventSink {
  readonly events: InboundEvent[] = [];
  readonly #seen = new Set<string>();
  /** Makes the next ingests fail (the queue is down). */
  failing: Error | null = null;
  /** Ingest calls, failed ones included. */
  attempts = 0;
  #hold: Promise<void> | null = null;
  /** Order of notable moments (`ingested:<id>`), for tests that check acks come after. */
  readonly timeline: string[];

  constructor(timeline: string[] = []) {
    this.timeline = timeline;
  }

  /** Holds every ingest until the returned function is called. */
  hold(): () => void {
    let release = () => {};
    this.#hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.#hold = null;
      release();
    };
  }

  async ingest(event: InboundEvent): Promise<EnqueueResult> {
    this.attempts += 1;
    if (this.#hold) await this.#hold;
    if (this.failing) throw this.failing;
    this.events.push(event);
    this.timeline.push(`ingested:${event.id}`);
    const key = `${event.ref.platform}:${event.id}`;
    if (this.#seen.has(key)) return 'duplicate';
    this.#seen.add(key);
    return 'accepted';
  }

  /** Events accepted once (what the engine would process). */
  get accepted(): InboundEvent[] {
    const seen = new Set<string>();
    return this.events.filter((e) => {
      const key = `${e.ref.platform}:${e.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

export interface SlackHarnessOptions {
  readonly staffUsers?: readonly string[];
  readonly staffGroup?: string;
  readonly escalationChannel?: string;
  /** Socket Mode instead of (or with) HTTP. */
  readonly socketMode?: boolean;
  readonly http?: boolean;
  readonly lastTurn?: LastTurnReader;
}

export interface SlackHarness {
  readonly fake: FakeSlack;
  readonly slack: SlackAdapter;
  readonly desk: Desk;
  readonly sink: RecordingSink;
  /** `http://127.0.0.1:<port>/slack/events` on the shared server. */
  readonly url: string;
  /**
   * Opens a ticket through the desk core (its card is posted to the fake); returns it.
   * The first card gets the fixtures' parent ts and the default id is the fixtures' `hf_8f3k2`.
   */
  openTicket(options?: { readonly ticketId?: string; readonly customer?: string }): Promise<Ticket>;
  stop(): Promise<void>;
}

/**
 * The real Slack adapter (Bolt, receiver, listeners, desk face) on the real shared
 * HTTP server, the real desk core in memory, and the fake Slack Web API.
 */
export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const fake = await new FakeSlack().start();
  const clock = systemClock;
  const kv = new MemoryKeyValueSpace({ clock }).namespace('slack');
  const slack = createSlackAdapter({
    transport: {
      botToken: 'xoxb-test-token',
      ...(options.http === false ? {} : { signingSecret: SIGNING_SECRET }),
      ...(options.socketMode ? { appToken: 'xapp-test-token', socketAutoReconnect: false } : {}),
      apiUrl: fake.url,
      bodyLimitBytes: 1_048_576,
      logger: silentLogger,
      clock,
      retryConfig: { retries: 0 },
      botId: FAKE_SLACK.botId,
      botUserId: FAKE_SLACK.botUserId,
    },
    triageChannel: FAKE_SLACK.triage,
    escalationChannel: options.escalationChannel,
    staffUsers: options.staffUsers ?? [FAKE_SLACK.staff],
    staffGroup: options.staffGroup,
    kv,
    clock,
    logger: silentLogger,
  });
  const desk = createDesk({
    tickets: new MemoryTicketStore({ clock }),
    timers: new MemoryTimerStore(),
    config: {
      routes: [],
      vipCustomers: [],
      defaultChannel: FAKE_SLACK.triage,
      timers: {
        unclaimedReminderMinutes: { normal: 0, high: 0, urgent: 0 },
        autoEscalateMinutes: { normal: 0, high: 0, urgent: 0 },
        waitingReminderMinutes: 0,
        idleResolveMinutes: 0,
        pollMs: 60_000,
      },
    },
    clock,
    logger: silentLogger,
    faces: [{ face: slack.face, staff: slack.staffRule }],
  });
  const sink = new RecordingSink();
  slack.listen({ sink, desk, lastTurn: options.lastTurn });
  const server = createHttpServer({ routes: slack.routes, logger: silentLogger });
  const port = await listen(server, 0, '127.0.0.1');
  if (options.socketMode) await slack.adapter.start?.();
  let opened = 0;
  return {
    fake,
    slack,
    desk,
    sink,
    url: `http://127.0.0.1:${port}/slack/events`,
    async openTicket({ ticketId = 'hf_8f3k2', customer = '447700900123' } = {}) {
      opened += 1;
      const context = contextFor(customer);
      const handoff: HandoffTicket = await desk.open(handoffRequest(context, { ticketId }), `open-${opened}`);
      const ticket = await desk.get(handoff.id);
      if (!ticket) throw new Error('the desk did not keep the ticket');
      return ticket;
    },
    async stop() {
      await slack.adapter.stop?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await desk.stop();
      await fake.stop();
    },
  };
}

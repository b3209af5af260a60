import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TimeoutError } from '../../src/errors.ts';
import type { TurnDebug } from '../../src/model/context.ts';
import type { OwnershipState } from '../../src/model/ownership.ts';
import type { ChannelAdapter, TurnSummary } from '../../src/ports/channel-adapter.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Mailbox } from '../../src/ports/mailbox.ts';
import { type DeskActionSignal, SANDBOX_DESK_EVENT_PREFIX, deskActionBox } from './desk.ts';
import { SANDBOX_CAPABILITIES, SANDBOX_PLATFORM, SANDBOX_TURN_TIMEOUT_MS } from './limits.ts';
import { type SandboxRequest, parseSandboxRequest, toInboundMessage } from './parse.ts';
import { type SandboxReply, renderSandboxReply } from './render.ts';

/** The answer of `POST /sandbox/messages`. */
export interface SandboxResponse {
  readonly replies: readonly SandboxReply[];
  readonly state: OwnershipState;
  readonly debug: {
    readonly intent: string | null;
    readonly confidence: number | null;
    readonly kb: readonly { readonly id: string; readonly title: string; readonly score: number }[];
  };
}

export interface SandboxAdapterConfig {
  readonly sink: EventSink;
  readonly mailbox: Mailbox;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
  /** Reads a JSON body with the shared server's limits and error mapping. */
  readonly readJson: (req: IncomingMessage, limitBytes: number) => Promise<unknown>;
  readonly sendJson: (res: ServerResponse, status: number, body: unknown) => void;
  readonly turnTimeoutMs?: number;
  /** Remembers the idempotency keys already delivered (shared by every instance in Redis mode). */
  readonly sent?: KeyValueStore;
}

type MailItem =
  | { readonly type: 'reply'; readonly reply: SandboxReply }
  | { readonly type: 'end'; readonly state: OwnershipState; readonly debug: TurnDebug | null };

const EVENT_PREFIX = 'sbx_';
/** How long a delivered reply's idempotency key is remembered. */
const SENT_KEY_TTL_MS = 24 * 3_600_000;
const eventBox = (eventId: string) => `sandbox:event:${eventId}`;
const conversationBox = (threadOrUser: string) => `sandbox:conversation:${threadOrUser}`;

export interface SandboxAdapter {
  readonly adapter: ChannelAdapter;
  readonly routes: readonly HttpRoute[];
  /** Runs one customer turn and returns what the customer sees (used by the HTTP route and `switchboard chat`). */
  converse(request: SandboxRequest): Promise<SandboxResponse>;
  /** Replies that arrived outside a customer turn (e.g. staff messages) and were not shown yet. */
  drainUnsolicited(conversationId: string): Promise<readonly SandboxReply[]>;
}

/**
 * The sandbox channel: a JSON API and terminal chat over the real engine, queue and
 * store. Replies travel through a `Mailbox` so the request gets them whichever
 * worker process ran the turn. Replies to sandbox requests go to that request's box;
 * anything else (staff replies during a handoff) waits in the conversation's box
 * and is shown with the next request.
 */
export function createSandboxAdapter(config: SandboxAdapterConfig): SandboxAdapter {
  const timeoutMs = config.turnTimeoutMs ?? SANDBOX_TURN_TIMEOUT_MS;

  const adapter: ChannelAdapter = {
    platform: SANDBOX_PLATFORM,
    capabilities: SANDBOX_CAPABILITIES,
    async send(envelope) {
      // Honour the idempotency key: a turn resumed after a crash must not show a reply twice.
      if (config.sent && !(await config.sent.setIfAbsent(envelope.idempotencyKey, '1', SENT_KEY_TTL_MS)))
        return {};
      const item: MailItem = { type: 'reply', reply: renderSandboxReply(envelope.message) };
      const solicited = envelope.replyTo?.startsWith(EVENT_PREFIX) === true;
      await config.mailbox.push(
        solicited && envelope.replyTo
          ? eventBox(envelope.replyTo)
          : conversationBox(envelope.ref.threadOrUser),
        item,
      );
      return {};
    },
    async endTurn(summary: TurnSummary) {
      if (summary.eventId.startsWith(SANDBOX_DESK_EVENT_PREFIX)) {
        // A staff action from the sandbox desk: its request waits for this (see desk-routes.ts).
        const signal: DeskActionSignal = { type: 'end', state: summary.state };
        await config.mailbox.push(deskActionBox(summary.eventId), signal);
        return;
      }
      if (!summary.eventId.startsWith(EVENT_PREFIX)) return;
      const item: MailItem = { type: 'end', state: summary.state, debug: summary.debug };
      await config.mailbox.push(eventBox(summary.eventId), item);
    },
  };

  async function drainUnsolicited(conversationId: string): Promise<SandboxReply[]> {
    const replies: SandboxReply[] = [];
    for (;;) {
      const item = (await config.mailbox.take(conversationBox(conversationId), 0)) as MailItem | null;
      if (!item) return replies;
      if (item.type === 'reply') replies.push(item.reply);
    }
  }

  async function converse(request: SandboxRequest): Promise<SandboxResponse> {
    const eventId = `${EVENT_PREFIX}${randomUUID()}`;
    const replies: SandboxReply[] = await drainUnsolicited(request.conversationId);
    await config.sink.ingest(toInboundMessage(request, eventId, config.clock.now()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const item =
        remaining > 0 ? ((await config.mailbox.take(eventBox(eventId), remaining)) as MailItem | null) : null;
      if (!item) throw new TimeoutError(`the bot did not finish the turn within ${timeoutMs} ms`);
      if (item.type === 'reply') {
        replies.push(item.reply);
        continue;
      }
      return {
        replies,
        state: item.state,
        debug: {
          intent: item.debug?.intent ?? null,
          confidence: item.debug?.confidence ?? null,
          kb: item.debug?.kb ?? [],
        },
      };
    }
  }

  const messagesRoute: HttpRoute = {
    method: 'POST',
    path: '/sandbox/messages',
    async handle(req, res) {
      const body = await config.readJson(req, config.bodyLimitBytes);
      const response = await converse(parseSandboxRequest(body));
      config.sendJson(res, 200, response);
    },
  };

  return { adapter, routes: [messagesRoute], converse, drainUnsolicited };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BadRequestError, TimeoutError } from '../../src/errors.ts';
import type { DeskAction, InboundAction } from '../../src/model/inbound-event.ts';
import { OWNERSHIP_STATES, type OwnershipState } from '../../src/model/ownership.ts';
import type { Ticket } from '../../src/model/ticket.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { DESK_REPLY_CONTEXT, type DeskCore } from '../../src/ports/desk-face.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { Mailbox } from '../../src/ports/mailbox.ts';
import {
  type DeskActionSignal,
  SANDBOX_DESK_EVENT_PREFIX,
  SANDBOX_DESK_FACE,
  deskActionBox,
} from './desk.ts';
import { SANDBOX_DESK_ACTION_TIMEOUT_MS, SANDBOX_PLATFORM } from './limits.ts';
import type { SandboxReply } from './render.ts';

/** What a staff member can do through the sandbox desk. */
export type SandboxDeskCommand =
  | { readonly type: 'claim' }
  | { readonly type: 'reply'; readonly text: string }
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'resolve'; readonly note?: string }
  /** `fromLevel`: the escalation level the staff member saw (default: the current one). */
  | { readonly type: 'escalate'; readonly reason?: string; readonly fromLevel?: number };

/** The answer of a sandbox desk action: the ticket after it, or why it was not done. */
export type SandboxDeskResult =
  | { readonly ok: true; readonly ticket: Ticket }
  | { readonly ok: false; readonly reason: string };

export interface SandboxDeskConfig {
  readonly desk: DeskCore;
  readonly sink: EventSink;
  readonly mailbox: Mailbox;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
  readonly readJson: (req: IncomingMessage, limitBytes: number) => Promise<unknown>;
  readonly sendJson: (res: ServerResponse, status: number, body: unknown) => void;
  /** Pending replies of a sandbox conversation (the sandbox adapter's `drainUnsolicited`). */
  readonly drainUnsolicited: (conversationId: string) => Promise<readonly SandboxReply[]>;
  readonly actionTimeoutMs?: number;
}

export interface SandboxDesk {
  readonly routes: readonly HttpRoute[];
  /** Acts on a ticket as `staff`, waiting until the engine has processed the action. */
  act(
    ticketId: string,
    staff: string,
    command: SandboxDeskCommand,
  ): Promise<SandboxDeskResult & { status: number }>;
  /** The open ticket of a sandbox conversation (newest first), if any. */
  ticketOfConversation(conversationId: string): Promise<Ticket | null>;
}

const COMMANDS = ['claim', 'reply', 'note', 'resolve', 'escalate'] as const;

const text = z.string().trim().min(1, 'must not be empty').max(10_000, 'must be at most 10000 characters');
const bodySchema = z
  .object({
    staff: z.string().trim().min(1, 'must name the staff member').max(100, 'must be at most 100 characters'),
    ticket: z.string().trim().min(1).max(500).optional(),
    conversationId: z.string().trim().min(1).max(200).optional(),
    text: text.optional(),
    note: z.string().trim().max(2_000).optional(),
    reason: z.string().trim().max(2_000).optional(),
    fromLevel: z.number().int().min(0).max(100).optional(),
  })
  .refine((b) => b.ticket !== undefined || b.conversationId !== undefined, {
    message: 'give the ticket id or the conversationId',
    path: ['ticket'],
  });

/**
 * The sandbox desk: the desk as a tester's HTTP API (and the terminal's staff mode).
 * Reading goes to the desk core; staff actions are ingested through the `EventSink`
 * as `InboundAction`s exactly as the Slack face sends them, and the request waits
 * (bounded) until the engine has processed the action: the desk effect keyed by the
 * action's event id, or the end of its turn, arrives in the action's mailbox box.
 * Internal notes go straight to the desk core and never through the engine, so they
 * cannot reach the customer.
 */
export function createSandboxDesk(config: SandboxDeskConfig): SandboxDesk {
  const timeoutMs = config.actionTimeoutMs ?? SANDBOX_DESK_ACTION_TIMEOUT_MS;
  const { desk } = config;

  async function ticketOfConversation(conversationId: string): Promise<Ticket | null> {
    const open = await desk.list();
    const mine = open.filter(
      (t) => t.ref.platform === SANDBOX_PLATFORM && t.ref.threadOrUser === conversationId,
    );
    return mine.sort((a, b) => b.openedAt - a.openedAt)[0] ?? null;
  }

  async function act(
    ticketId: string,
    staff: string,
    command: SandboxDeskCommand,
  ): Promise<SandboxDeskResult & { status: number }> {
    if (!(await desk.mayAct({ face: SANDBOX_DESK_FACE, id: staff, name: staff }))) {
      return { ok: false, reason: `${staff} may not act on the desk`, status: 403 };
    }
    const ticket = await desk.get(ticketId);
    if (!ticket) return { ok: false, reason: `no ticket ${ticketId}`, status: 404 };
    const actor = { id: staff, name: staff, role: 'staff' as const };
    if (command.type === 'note') {
      const noted = await desk.addNote(ticket.id, actor, command.text, { face: SANDBOX_DESK_FACE });
      return noted
        ? { ok: true, ticket: noted, status: 200 }
        : { ok: false, reason: `no ticket ${ticketId}`, status: 404 };
    }
    const eventId = `${SANDBOX_DESK_EVENT_PREFIX}${randomUUID()}`;
    const event: InboundAction = {
      kind: 'action',
      id: eventId,
      ref: ticket.ref,
      at: config.clock.now(),
      actor,
      ticketId: ticket.id,
      action: toDeskAction(command, ticket),
      replyContext: {
        [DESK_REPLY_CONTEXT.face]: SANDBOX_DESK_FACE,
        [DESK_REPLY_CONTEXT.actor]: staff,
        ...(command.type === 'reply' ? { [DESK_REPLY_CONTEXT.text]: command.text } : {}),
      },
    };
    await config.sink.ingest(event);
    const outcome = await waitForOutcome(
      eventId,
      command.type === 'reply' ? 'confirmStaffReply' : 'updateCard',
    );
    if (!outcome.ok) return { ...outcome, status: 409 };
    const after = await desk.get(ticket.id);
    return after
      ? { ok: true, ticket: after, status: 200 }
      : { ok: false, reason: `no ticket ${ticketId}`, status: 404 };
  }

  /**
   * Reads the action's box until its outcome is known: a refusal, the effect that
   * means it was done, or the end of its turn (its conversation is a sandbox one).
   */
  async function waitForOutcome(
    eventId: string,
    expected: 'confirmStaffReply' | 'updateCard',
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      const item =
        remaining > 0
          ? ((await config.mailbox.take(deskActionBox(eventId), remaining)) as DeskActionSignal | null)
          : null;
      if (!item) throw new TimeoutError(`the engine did not process the desk action within ${timeoutMs} ms`);
      if (item.type === 'rejected') return { ok: false, reason: item.reason };
      if (item.type === 'effect' && item.effect === expected) return { ok: true };
      if (item.type === 'end') {
        return {
          ok: false,
          reason:
            expected === 'confirmStaffReply'
              ? 'The reply was not delivered to the customer (see the ticket thread).'
              : 'Nothing changed.',
        };
      }
    }
  }

  const send = config.sendJson;

  const ticketsRoute: HttpRoute = {
    method: 'GET',
    path: '/sandbox/desk/tickets',
    async handle(req, res) {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const id = query.get('id');
      if (id !== null) {
        const ticket = await desk.get(id);
        if (!ticket) {
          send(res, 404, { error: `no ticket ${id}` });
          return;
        }
        send(res, 200, { ticket });
        return;
      }
      const tickets = await desk.list({ state: parseStates(query.get('state')) });
      send(res, 200, {
        tickets: tickets.map(({ thread, ...rest }) => ({ ...rest, threadLength: thread.length })),
      });
    },
  };

  const actionRoutes: HttpRoute[] = COMMANDS.map((type) => ({
    method: 'POST',
    path: `/sandbox/desk/${type}`,
    async handle(req, res) {
      const body = parseBody(await config.readJson(req, config.bodyLimitBytes));
      const ticket = body.ticket
        ? await desk.get(body.ticket)
        : await ticketOfConversation(body.conversationId ?? '');
      if (!ticket) {
        send(res, 404, {
          ok: false,
          reason: body.ticket
            ? `no ticket ${body.ticket}`
            : `no open ticket for conversation ${body.conversationId}`,
        });
        return;
      }
      const { status, ...result } = await act(ticket.id, body.staff, toCommand(type, body));
      send(res, status, result);
    },
  }));

  const pendingRoute: HttpRoute = {
    method: 'GET',
    path: '/sandbox/messages',
    async handle(req, res) {
      const conversationId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('conversationId');
      if (!conversationId) throw new BadRequestError('conversationId: is required (query parameter)');
      send(res, 200, { replies: await config.drainUnsolicited(conversationId) });
    },
  };

  return { routes: [ticketsRoute, ...actionRoutes, pendingRoute], act, ticketOfConversation };
}

type Body = z.infer<typeof bodySchema>;

function parseBody(body: unknown): Body {
  const parsed = bodySchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  const problem = issue?.code === 'invalid_type' && value === undefined ? 'is required' : issue?.message;
  throw new BadRequestError(`${field}: ${problem ?? 'is invalid'}`);
}

function toCommand(type: (typeof COMMANDS)[number], body: Body): SandboxDeskCommand {
  switch (type) {
    case 'reply':
    case 'note':
      if (body.text === undefined) throw new BadRequestError('text: is required');
      return { type, text: body.text };
    case 'resolve':
      return body.note ? { type, note: body.note } : { type };
    case 'escalate':
      return {
        type,
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.fromLevel !== undefined ? { fromLevel: body.fromLevel } : {}),
      };
    case 'claim':
      return { type };
  }
}

/** The engine's action; an escalation names the level the staff member saw, so a double click escalates once. */
function toDeskAction(command: Exclude<SandboxDeskCommand, { type: 'note' }>, ticket: Ticket): DeskAction {
  switch (command.type) {
    case 'claim':
      return { type: 'claim' };
    case 'reply':
      return { type: 'staff_reply', text: command.text };
    case 'resolve':
      return command.note ? { type: 'resolve', note: command.note } : { type: 'resolve' };
    case 'escalate':
      return {
        type: 'escalate',
        fromLevel: command.fromLevel ?? ticket.escalationLevel,
        ...(command.reason ? { reason: command.reason } : {}),
      };
  }
}

/** `?state=` : `open` (default), `all`, or a comma-separated list of ownership states. */
function parseStates(value: string | null): readonly OwnershipState[] {
  if (value === null || value === '' || value === 'open') return ['waiting_for_human', 'human'];
  if (value === 'all') return OWNERSHIP_STATES;
  const states = value.split(',').map((s) => s.trim());
  const bad = states.find((s) => !(OWNERSHIP_STATES as readonly string[]).includes(s));
  if (bad !== undefined) {
    throw new BadRequestError(`state: "${bad}" is not one of open, all, ${OWNERSHIP_STATES.join(', ')}`);
  }
  return states as OwnershipState[];
}

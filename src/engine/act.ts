import {
  type BotError,
  LockLostError,
  NotSupportedError,
  ReplyWindowClosedError,
  RetryLaterError,
  UndeliverableError,
} from '../errors.ts';
import type { ConversationContext, CustomerProfile } from '../model/context.ts';
import type { Attachment } from '../model/inbound-event.ts';
import type { HandoffTicket } from '../model/ownership.ts';
import type { ChannelAdapter } from '../ports/channel-adapter.ts';
import type { ContextStore } from '../ports/context-store.ts';
import type { CopyFor } from '../ports/copy.ts';
import type { HandoffDesk } from '../ports/handoff-desk.ts';
import type { TurnSession } from '../ports/inbound-queue.ts';
import type { Logger } from '../ports/logger.ts';
import type { EngineMetrics } from '../ports/metrics.ts';
import type { ConversationSummarizer } from '../ports/summarizer.ts';
import { backoffMs } from '../queue/retry.ts';
import type { Effect, TurnRecord } from './decision.ts';

export interface ActDeps {
  readonly desk: HandoffDesk;
  readonly store: ContextStore;
  readonly adapter: (platform: string) => ChannelAdapter;
  readonly metrics: EngineMetrics;
  readonly logger: Logger;
  /** What the bot says, per locale: the honest desk-down notice. */
  readonly copy: CopyFor;
  /** Writes the card summary when a handoff opens (absent: the desk quotes the last messages). */
  readonly summarizer?: ConversationSummarizer;
  /** A signed link staff can open for a platform media id (absent: no public URL configured). */
  readonly mediaLink?: (platform: string, mediaId: string) => string;
}

/** Desk effects that fail are retried later, this many times, before the turn is dead-lettered. */
const DESK_RETRY_LIMIT = 30;

/** The customer cannot receive this message and retrying will not change that. */
function isPermanentDeliveryFailure(error: unknown): error is BotError {
  return (
    error instanceof ReplyWindowClosedError ||
    error instanceof UndeliverableError ||
    error instanceof NotSupportedError
  );
}

/**
 * Performs a recorded turn's effects in order, skipping those marked done and
 * marking each one done when it succeeded (the last one is marked by the ack
 * itself). Checks the lease before every effect: a turn that lost it stops.
 *
 * - A message the customer cannot receive (window closed, blocked, not supported)
 *   is reported to staff and not retried.
 * - Any other send failure propagates: the queue retries the turn, which resumes here.
 * - A desk that fails makes the turn retry later (the event stays first in its
 *   inbox, later messages wait behind it, in order); when a handoff could not be
 *   opened the customer is told honestly, once.
 */
export class EffectRunner {
  readonly #deps: ActDeps;
  /** Retry-later attempts per event, in this process (bounded). */
  readonly #deskAttempts = new Map<string, number>();

  constructor(deps: ActDeps) {
    this.#deps = deps;
  }

  async run(session: TurnSession, record: TurnRecord, log: Logger): Promise<void> {
    const context = session.context;
    const failed = new Set<string>();
    const effects = record.effects;
    for (const [index, effect] of effects.entries()) {
      if (session.done.has(effect.key)) {
        if (session.done.has(`${effect.key}:failed`)) failed.add(effect.key);
        continue;
      }
      session.fence.check();
      const last = index === effects.length - 1;
      try {
        await this.#perform(effect, context, failed);
      } catch (error) {
        if (error instanceof LockLostError) throw error;
        if (effect.type === 'send' && isPermanentDeliveryFailure(error)) {
          await this.#reportUndeliverable(session, effect, error, context, log);
          failed.add(effect.key);
          continue;
        }
        if (effect.type !== 'send') await this.#deskFailed(session, effect, error, context, log);
        throw error;
      }
      if (!last) await session.markDone(effect.key);
    }
    this.#deskAttempts.delete(session.event.id);
  }

  async #perform(
    effect: Effect,
    context: ConversationContext | null,
    failed: ReadonlySet<string>,
  ): Promise<void> {
    const { desk, metrics } = this.#deps;
    switch (effect.type) {
      case 'send': {
        const adapter = this.#deps.adapter(effect.ref.platform);
        try {
          await adapter.send({
            ref: effect.ref,
            message: effect.message,
            idempotencyKey: effect.key,
            purpose: effect.purpose,
            ...(effect.replyTo ? { replyTo: effect.replyTo } : {}),
            ...(effect.replyContext ? { replyContext: effect.replyContext } : {}),
          });
          metrics.outbound(effect.ref.platform, effect.message.kind, true);
        } catch (error) {
          metrics.outbound(effect.ref.platform, effect.message.kind, false);
          throw error;
        }
        return;
      }
      case 'desk_open': {
        if (!context) return;
        const profile = await this.#touchProfile(context);
        const summary = await this.#summary(context);
        await desk.open(
          {
            ticketId: effect.opening.ticket.id,
            context,
            profile,
            reason: effect.reason,
            priority: effect.opening.priority,
            understanding: effect.opening.understanding,
            kbTried: effect.opening.kbTried,
            slots: effect.opening.slots,
            ...(summary ? { summary } : {}),
          },
          effect.key,
        );
        metrics.handoff(context.ref.platform, 'opened');
        return;
      }
      case 'desk_relay':
        if (!context) return;
        await desk.relayCustomerMessage(
          effect.ticket,
          {
            kind: 'message',
            id: effect.message.eventId,
            ref: context.ref,
            at: effect.message.at,
            from: { ...effect.message.from, role: 'customer' },
            text: effect.message.text,
            ...(effect.message.attachments
              ? { attachments: effect.message.attachments.map((a) => this.#linked(context.ref.platform, a)) }
              : {}),
          },
          context,
          effect.key,
        );
        return;
      case 'desk_update':
        if (!context) return;
        await desk.update(effect.ticket, effect.ownership, context, effect.key);
        if (effect.step !== 'assigned') metrics.handoff(context.ref.platform, effect.step);
        return;
      case 'desk_notify':
        await desk.notify(effect.ticket, effect.notice, context, effect.key);
        return;
      case 'desk_reject':
        await desk.reject(
          {
            ticketId: effect.ticketId,
            actor: { ...effect.actor, role: 'staff' },
            action: effect.action,
            reason: effect.reason,
            ...(effect.replyContext ? { replyContext: effect.replyContext } : {}),
          },
          effect.key,
        );
        return;
      case 'desk_confirm':
        if (failed.has(effect.sendKey)) return;
        await desk.confirmStaffReply(effect.ticket, effect.replyContext, effect.key);
        return;
      case 'desk_rate':
        await desk.rate(effect.ticket, effect.score, effect.key);
        return;
    }
  }

  /** A model-written card summary, or undefined (no summarizer, or it failed: the desk falls back). */
  async #summary(context: ConversationContext): Promise<string | undefined> {
    if (!this.#deps.summarizer) return undefined;
    try {
      return await this.#deps.summarizer.summarize(context.history);
    } catch (error) {
      this.#deps.logger.warn({ err: error }, 'card summary failed; the desk shows the last messages');
      return undefined;
    }
  }

  /** Gives a file known only by its platform media id a link staff can open. */
  #linked(platform: string, attachment: Attachment): Attachment {
    const link = this.#deps.mediaLink;
    if (attachment.url || !attachment.mediaId || !link || !this.#deps.adapter(platform).fetchMedia)
      return attachment;
    return { ...attachment, url: link(platform, attachment.mediaId) };
  }

  /** The customer profile is written only when a handoff needs it, not on every message. */
  #touchProfile(context: ConversationContext): Promise<CustomerProfile | null> {
    const now = Date.now();
    return this.#deps.store
      .updateProfile(context.customerId, (current) => ({
        schema: 1,
        id: context.customerId,
        platformIds: { ...(current?.platformIds ?? {}), [context.ref.platform]: context.ref.threadOrUser },
        ...((context.customerName ?? current?.displayName)
          ? { displayName: (context.customerName ?? current?.displayName) as string }
          : {}),
        firstSeen: current?.firstSeen ?? context.createdAt,
        lastSeen: now,
        messageCount: (current?.messageCount ?? 0) + 1,
        tier: current?.tier ?? 'standard',
      }))
      .catch(() => null);
  }

  async #reportUndeliverable(
    session: TurnSession,
    effect: Extract<Effect, { type: 'send' }>,
    error: BotError,
    context: ConversationContext | null,
    log: Logger,
  ): Promise<void> {
    const ticket: HandoffTicket | null = effect.ticket ?? context?.ownership.ticket ?? null;
    const reason = describeFailure(error);
    log.warn({ code: error.code }, 'reply not deliverable; staff notified');
    const noticeKey = `${effect.key}:failed`;
    if (!session.done.has(`${noticeKey}:notified`)) {
      try {
        await this.#deps.desk.notify(
          ticket,
          { kind: 'delivery_failed', text: `Not delivered to the customer: ${reason}`, code: error.code },
          context,
          `${noticeKey}:notified`,
        );
      } catch (deskError) {
        await this.#deskFailed(session, effect, deskError, context, log);
        throw deskError;
      }
      await session.markDone(`${noticeKey}:notified`);
    }
    await session.markDone(noticeKey);
    await session.markDone(effect.key);
  }

  /** The desk failed: tell a customer waiting for a person, then retry the turn later. */
  async #deskFailed(
    session: TurnSession,
    effect: Effect,
    error: unknown,
    context: ConversationContext | null,
    log: Logger,
  ): Promise<void> {
    const attempts = (this.#deskAttempts.get(session.event.id) ?? 0) + 1;
    if (this.#deskAttempts.size > 10_000) this.#deskAttempts.clear();
    this.#deskAttempts.set(session.event.id, attempts);
    log.warn({ err: error, effect: effect.type, attempts }, 'desk unavailable');
    if (effect.type === 'desk_open' && context) {
      const honest = `${effect.key}:desk_down`;
      if (!session.done.has(honest)) {
        const adapter = this.#deps.adapter(context.ref.platform);
        await adapter.send({
          ref: context.ref,
          message: {
            kind: 'handoff_notice',
            text: this.#deps.copy(context.language).deskDown,
            state: 'waiting_for_human',
          },
          idempotencyKey: honest,
          purpose: 'notice',
          replyTo: session.event.id,
        });
        await session.markDone(honest);
      }
    }
    if (attempts < DESK_RETRY_LIMIT) {
      throw new RetryLaterError(backoffMs(attempts, 1_000, 60_000), { cause: error });
    }
  }
}

function describeFailure(error: BotError): string {
  if (error instanceof ReplyWindowClosedError) return `the reply window is closed (${error.message})`;
  if (error instanceof UndeliverableError) {
    return `${error.message}${error.platformCode ? ` (code ${error.platformCode})` : ''}`;
  }
  return error.message;
}

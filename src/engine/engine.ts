import { BotError, InvalidTransitionError, NotSupportedError, ReplyWindowClosedError } from '../errors.ts';
import type { ConversationContext, CustomerProfile, HistoryEntry, TurnDebug } from '../model/context.ts';
import { type ConversationKey, toConversationKey } from '../model/conversation-key.ts';
import type {
  InboundAction,
  InboundEvent,
  InboundMessage,
  InboundSystemEvent,
} from '../model/inbound-event.ts';
import { type Choice, type OutboundMessage, outboundText } from '../model/outbound-message.ts';
import type { Ownership, OwnershipState, OwnershipTransition } from '../model/ownership.ts';
import type { IntentResult, KbHit } from '../model/understanding.ts';
import type { ChannelAdapter } from '../ports/channel-adapter.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContextStore } from '../ports/context-store.ts';
import type { EventSink } from '../ports/event-sink.ts';
import type { Flow, FlowInput, StepResult } from '../ports/flow.ts';
import type { HandoffDesk } from '../ports/handoff-desk.ts';
import type { EnqueueResult, InboundQueue } from '../ports/inbound-queue.ts';
import type { IntentClassifier } from '../ports/intent-classifier.ts';
import type { AnswerGenerator, KnowledgeRetriever } from '../ports/knowledge-retriever.ts';
import type { Logger } from '../ports/logger.ts';
import { type EngineMetrics, noopMetrics } from '../ports/metrics.ts';
import { COPY, ENGINE_CHOICES } from './copy.ts';
import { decideHandoff } from './handoff-policy.ts';
import { isHumanOwned, transition } from './ownership.ts';
import { HUMAN_INTENT, judgeHits, matchTypedChoice, routeMessage } from './router.ts';
import { type TurnChanges, applyTurnChanges, newContext } from './turn-changes.ts';

export interface EngineSettings {
  readonly answerThreshold: number;
  readonly clarifyThreshold: number;
  readonly failedTurnsLimit: number;
  /** Below this intent confidence the engine searches the KB instead of trusting the intent. */
  readonly minIntentConfidence: number;
  readonly kbResults: number;
  /** Chat-sized cap on knowledge answers, applied below the channel's own text limit. */
  readonly answerMaxLength: number;
}

export interface EngineDeps {
  readonly queue: InboundQueue;
  readonly store: ContextStore;
  readonly classifier: IntentClassifier;
  readonly retriever: KnowledgeRetriever;
  readonly answerer: AnswerGenerator;
  readonly desk: HandoffDesk;
  readonly adapters: ReadonlyMap<string, ChannelAdapter>;
  readonly flows: readonly Flow[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: EngineSettings;
  readonly metrics?: EngineMetrics;
}

/** Mutable scratchpad of one turn; becomes `TurnChanges` at persist time. */
interface Turn {
  readonly event: InboundEvent;
  readonly key: ConversationKey;
  readonly log: Logger;
  readonly replies: OutboundMessage[];
  readonly history: HistoryEntry[];
  readonly transitions: OwnershipTransition[];
  ownership: Ownership;
  changes: Omit<TurnChanges, 'history' | 'transitions' | 'ownership'>;
  debug: TurnDebug | null;
}

/**
 * The conversation engine. `ingest` records events durably; the queue then calls
 * `handle` one event at a time per conversation: load context → decide → reply →
 * persist. It never knows which platform it talks to: adapters are looked up by the
 * conversation's platform and described by their capabilities.
 */
export class ConversationEngine implements EventSink {
  readonly #deps: EngineDeps;
  readonly #metrics: EngineMetrics;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.#metrics = deps.metrics ?? noopMetrics;
  }

  async ingest(event: InboundEvent): Promise<EnqueueResult> {
    try {
      const result = await this.#deps.queue.enqueue(event);
      this.#metrics.inbound(event.ref.platform, event.kind, result);
      return result;
    } catch (error) {
      this.#metrics.inbound(event.ref.platform, event.kind, 'failed');
      throw error;
    }
  }

  start(): Promise<void> {
    return this.#deps.queue.start(
      (event) => this.handle(event),
      (event, error) => this.#onDeadLetter(event, error),
    );
  }

  stop(): Promise<void> {
    return this.#deps.queue.stop();
  }

  /** Processes one event. Called by the queue with the conversation's lease held. */
  async handle(event: InboundEvent): Promise<void> {
    const started = performance.now();
    const key = toConversationKey(event.ref);
    const log = this.#deps.logger.child({ conversation: key, eventId: event.id, kind: event.kind });
    const stored = await this.#deps.store.get(key);
    const context = stored ?? newContext(key, event.ref, customerIdOf(event), this.#deps.clock.now());
    const turn: Turn = {
      event,
      key,
      log,
      replies: [],
      history: [],
      transitions: [],
      ownership: context.ownership,
      changes: {},
      debug: null,
    };
    switch (event.kind) {
      case 'message':
        await this.#customerMessage(turn, event, context);
        break;
      case 'action':
        if (event.action.type === 'reset') {
          await this.#deps.store.delete(key);
          log.info({}, 'conversation reset');
          return;
        }
        await this.#deskAction(turn, event, context);
        break;
      case 'system':
        await this.#systemEvent(turn, event, context);
        break;
    }
    await this.#deliver(turn, context);
    const persisted = await this.#deps.store.update(key, (current) =>
      applyTurnChanges(current ?? context, this.#changesOf(turn), this.#deps.clock.now()),
    );
    await this.#adapter(event.ref.platform).endTurn?.({
      ref: event.ref,
      eventId: event.id,
      state: persisted.ownership.state,
      debug: turn.debug,
    });
    this.#metrics.turn(event.ref.platform, turn.debug?.route ?? event.kind, performance.now() - started);
  }

  async #customerMessage(turn: Turn, event: InboundMessage, context: ConversationContext): Promise<void> {
    const now = this.#deps.clock.now();
    const profile = await this.#touchProfile(event, context);
    turn.changes = { ...turn.changes, lastInboundAt: now };
    turn.history.push({ role: 'customer', text: event.text, at: event.at, eventId: event.id });

    if (isHumanOwned(turn.ownership.state)) {
      // Staff own the conversation: relay, and the bot stays silent.
      const ticket = turn.ownership.ticket;
      if (ticket) await this.#deps.desk.relayCustomerMessage(ticket, event, context, `${event.id}:relay`);
      turn.debug = { eventId: event.id, intent: null, confidence: null, kb: [], route: 'relayed_to_staff' };
      return;
    }
    if (turn.ownership.state === 'resolved') {
      this.#move(turn, 'bot', event.from.id, 'customer wrote after resolve');
    }

    const adapter = this.#adapter(event.ref.platform);
    adapter
      .startTyping?.(event.ref)
      .catch((error: unknown) => turn.log.debug({ err: error }, 'typing indicator failed'));

    const choiceId = event.choiceId ?? matchTypedChoice(event.text, context.pendingChoices);
    const understanding = await this.#deps.classifier.classify({
      text: event.text,
      history: context.history,
    });
    turn.debug = {
      eventId: event.id,
      intent: understanding.intent,
      confidence: understanding.confidence,
      kb: [],
      route: 'pending',
    };
    turn.changes = { ...turn.changes, pendingChoices: [] };

    const activeFlow = context.flow ? this.#deps.flows.find((f) => f.id === context.flow?.flowId) : undefined;
    if (context.flow && activeFlow && !understanding.signals.humanRequested) {
      const input = this.#flowInput(event, choiceId, understanding, context, adapter);
      const result = activeFlow.step(context.flow.stepId, input, context.flow.retries);
      await this.#applyFlowResult(turn, activeFlow, result, context, profile, understanding);
      return;
    }

    const route = routeMessage({
      choiceId,
      understanding,
      flows: this.#deps.flows,
      minIntentConfidence: this.#deps.settings.minIntentConfidence,
    });
    const policy = decideHandoff({
      signals: understanding.signals,
      intentIsHumanRequest: understanding.intent === HUMAN_INTENT,
      failedTurns: 0,
      failedTurnsLimit: this.#deps.settings.failedTurnsLimit,
      flowRequested: false,
      choseHuman: route.type === 'handoff_choice',
    });
    if (policy.handoff) {
      turn.debug = { ...turn.debug, route: 'handoff' };
      await this.#handoff(turn, context, profile, policy.reason, understanding, []);
      return;
    }

    switch (route.type) {
      case 'dismiss':
        turn.debug = { ...turn.debug, route: 'dismiss' };
        this.#reply(turn, { kind: 'text', text: COPY.dismissed });
        turn.changes = { ...turn.changes, failedTurns: 0 };
        return;
      case 'small_talk':
        turn.debug = { ...turn.debug, route: 'small_talk' };
        this.#reply(turn, { kind: 'text', text: COPY[route.intent] });
        return;
      case 'flow': {
        turn.debug = { ...turn.debug, route: 'flow', flow: route.flow.id };
        const input = this.#flowInput(event, choiceId, understanding, context, adapter);
        await this.#applyFlowResult(
          turn,
          route.flow,
          route.flow.start(input),
          context,
          profile,
          understanding,
          true,
        );
        return;
      }
      case 'article':
      case 'knowledge':
      case 'handoff_choice':
        break;
    }

    const query = route.type === 'article' ? null : event.text;
    const hits =
      query === null ? [] : await this.#deps.retriever.search(query, { k: this.#deps.settings.kbResults });
    turn.debug = {
      ...turn.debug,
      kb: hits.map((h) => ({ id: h.id, title: h.title, score: round(h.score) })),
    };
    const outcome =
      route.type === 'article'
        ? { type: 'answer' as const, hits: await this.#articleHits(route.articleId) }
        : judgeHits(
            hits,
            { answer: this.#deps.settings.answerThreshold, clarify: this.#deps.settings.clarifyThreshold },
            Math.max(2, Math.min(3, adapter.capabilities.maxButtons || 3)),
          );

    if (outcome.type === 'clarify') {
      turn.debug = { ...turn.debug, route: 'clarify' };
      const choices: Choice[] = [
        ...outcome.articles.map((a) => ({ id: `${ENGINE_CHOICES.articlePrefix}${a.id}`, label: a.title })),
        ENGINE_CHOICES.handoff,
      ];
      this.#reply(turn, { kind: 'choices', text: COPY.clarify, choices });
      turn.changes = { ...turn.changes, pendingChoices: choices };
      return;
    }
    if (outcome.type === 'answer') {
      const answer = await this.#deps.answerer.answer({
        question: event.text,
        hits: outcome.hits,
        history: context.history,
        maxLength: Math.min(adapter.capabilities.maxTextLength, this.#deps.settings.answerMaxLength),
      });
      if (answer.grounded) {
        turn.debug = { ...turn.debug, route: 'kb_answer' };
        this.#reply(turn, { kind: 'text', text: answer.text, citations: answer.citations });
        turn.changes = { ...turn.changes, failedTurns: 0 };
        return;
      }
    }
    await this.#cannotHelp(turn, context, profile, understanding, hits);
  }

  /** No answer: count the failure, and hand off once the policy says so. */
  async #cannotHelp(
    turn: Turn,
    context: ConversationContext,
    profile: CustomerProfile | null,
    understanding: IntentResult,
    hits: readonly KbHit[],
  ): Promise<void> {
    const failedTurns = context.failedTurns + 1;
    const policy = decideHandoff({
      signals: understanding.signals,
      intentIsHumanRequest: false,
      failedTurns,
      failedTurnsLimit: this.#deps.settings.failedTurnsLimit,
      flowRequested: false,
      choseHuman: false,
    });
    if (policy.handoff) {
      turn.debug = turn.debug ? { ...turn.debug, route: 'handoff' } : null;
      await this.#handoff(turn, context, profile, policy.reason, understanding, hits);
      return;
    }
    turn.debug = turn.debug ? { ...turn.debug, route: 'unknown' } : null;
    const choices = [ENGINE_CHOICES.handoff, ENGINE_CHOICES.dismiss];
    this.#reply(turn, { kind: 'choices', text: COPY.unknown, choices });
    turn.changes = { ...turn.changes, failedTurns, pendingChoices: choices };
  }

  async #applyFlowResult(
    turn: Turn,
    flow: Flow,
    result: StepResult,
    context: ConversationContext,
    profile: CustomerProfile | null,
    understanding: IntentResult,
    starting = false,
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const slots = { ...context.slots, ...(result.slots ?? {}) };
    const choices = result.reply.choices ?? [];
    this.#reply(
      turn,
      choices.length > 0
        ? { kind: 'choices', text: result.reply.text, choices }
        : { kind: 'text', text: result.reply.text },
    );
    turn.changes = { ...turn.changes, slots, pendingChoices: choices, failedTurns: 0 };
    turn.debug = turn.debug ? { ...turn.debug, route: 'flow', flow: flow.id } : null;
    switch (result.type) {
      case 'continue': {
        const previous = starting ? undefined : context.flow;
        const retries = result.retry ? (previous?.retries ?? 0) + 1 : 0;
        turn.changes = {
          ...turn.changes,
          flow: {
            flowId: flow.id,
            stepId: result.nextStep,
            slots: result.slots ?? {},
            retries,
            startedAt: previous?.startedAt ?? now,
            updatedAt: now,
          },
        };
        return;
      }
      case 'done':
        turn.changes = { ...turn.changes, flow: null };
        return;
      case 'handoff':
        turn.changes = { ...turn.changes, flow: null };
        await this.#handoff(turn, { ...context, slots }, profile, result.reason, understanding, [], false);
        return;
    }
  }

  async #handoff(
    turn: Turn,
    context: ConversationContext,
    profile: CustomerProfile | null,
    reason: string,
    understanding: IntentResult | null,
    kbTried: readonly KbHit[],
    notify = true,
  ): Promise<void> {
    const ticket = await this.#deps.desk.open(
      {
        ticketId: `hf_${turn.event.id}`,
        priority: 'normal',
        context: { ...context, history: [...context.history, ...turn.history] },
        profile,
        reason,
        understanding,
        kbTried,
        slots: context.slots,
      },
      `${turn.event.id}:open`,
    );
    this.#move(turn, 'waiting_for_human', 'bot', reason);
    turn.ownership = { ...turn.ownership, ticket };
    turn.changes = { ...turn.changes, flow: null, failedTurns: 0, pendingChoices: [] };
    if (notify) this.#reply(turn, { kind: 'handoff_notice', text: COPY.handoff, state: 'waiting_for_human' });
    this.#metrics.handoff(turn.event.ref.platform, 'opened');
    turn.log.info({ ticket: ticket.id, reason }, 'handed off to staff');
  }

  async #deskAction(turn: Turn, event: InboundAction, context: ConversationContext): Promise<void> {
    const actor = event.actor.id;
    const action = event.action;
    try {
      switch (action.type) {
        case 'claim':
          this.#move(turn, 'human', actor, 'claimed');
          turn.ownership = {
            ...turn.ownership,
            ...(turn.ownership.ticket ? { ticket: { ...turn.ownership.ticket, assignee: actor } } : {}),
          };
          break;
        case 'staff_reply':
          if (turn.ownership.state === 'waiting_for_human')
            this.#move(turn, 'human', actor, 'first staff reply');
          if (turn.ownership.state !== 'human')
            throw new InvalidTransitionError(turn.ownership.state, 'staff reply');
          this.#reply(turn, { kind: 'text', text: action.text });
          break;
        case 'escalate': {
          if (!isHumanOwned(turn.ownership.state) || !turn.ownership.ticket) {
            throw new InvalidTransitionError(turn.ownership.state, 'escalated');
          }
          const ticket = turn.ownership.ticket;
          turn.ownership = {
            ...turn.ownership,
            ticket: { ...ticket, escalationLevel: ticket.escalationLevel + 1 },
          };
          break;
        }
        case 'resolve':
          if (turn.ownership.state === 'waiting_for_human')
            this.#move(turn, 'human', actor, 'resolved without claim');
          this.#move(turn, 'resolved', actor, action.note ?? 'resolved by staff');
          this.#reply(turn, { kind: 'handoff_notice', text: COPY.resolved, state: 'resolved' });
          break;
      }
    } catch (error) {
      if (error instanceof InvalidTransitionError) {
        // A stale button or a double click: nothing to do, and nothing to retry.
        turn.log.warn(
          { action: action.type, state: turn.ownership.state },
          'desk action does not apply in this state',
        );
        return;
      }
      throw error;
    }
    const lifecycle = { claim: 'claimed', resolve: 'resolved', escalate: 'escalated' } as const;
    if (action.type in lifecycle)
      this.#metrics.handoff(event.ref.platform, lifecycle[action.type as keyof typeof lifecycle]);
    const ticket = turn.ownership.ticket;
    if (ticket && action.type !== 'staff_reply') {
      await this.#deps.desk.update(
        ticket,
        turn.ownership,
        { ...context, ownership: turn.ownership },
        `${event.id}:update`,
      );
    }
  }

  async #systemEvent(turn: Turn, event: InboundSystemEvent, context: ConversationContext): Promise<void> {
    switch (event.type) {
      case 'unsupported_content':
        if (!isHumanOwned(turn.ownership.state)) this.#reply(turn, { kind: 'text', text: COPY.unsupported });
        return;
      case 'delivery_failed':
        await this.#deps.desk.notify(
          turn.ownership.ticket ?? null,
          { kind: 'delivery_failed', text: event.detail, ...(event.code ? { code: event.code } : {}) },
          context,
          `${event.id}:notify`,
        );
        turn.log.warn({ code: event.code }, 'outbound delivery failed');
        return;
      case 'timer':
        return;
    }
  }

  /** Sends the turn's replies in order; failures the customer cannot receive go to staff. */
  async #deliver(turn: Turn, context: ConversationContext): Promise<void> {
    const adapter = this.#adapter(turn.event.ref.platform);
    for (const [index, message] of turn.replies.entries()) {
      try {
        await adapter.send({
          ref: turn.event.ref,
          message,
          idempotencyKey: `${turn.event.id}:${index}`,
          replyTo: turn.event.id,
          purpose: 'answer',
        });
        this.#metrics.outbound(turn.event.ref.platform, message.kind, true);
      } catch (error) {
        this.#metrics.outbound(turn.event.ref.platform, message.kind, false);
        if (error instanceof ReplyWindowClosedError || error instanceof NotSupportedError) {
          // Permanent for this message: retrying the turn cannot help, so tell staff instead.
          await this.#deps.desk.notify(
            turn.ownership.ticket ?? null,
            {
              kind: 'delivery_failed',
              text: `Could not deliver: ${outboundText(message)}`,
              code: error.code,
            },
            context,
            `${turn.event.id}:${index}:failed`,
          );
          turn.log.warn({ code: error.code }, 'reply not deliverable; staff notified');
          continue;
        }
        throw error;
      }
      const role =
        message.kind === 'handoff_notice' ? 'system' : turn.event.kind === 'action' ? 'staff' : 'bot';
      turn.history.push({ role, text: outboundText(message), at: this.#deps.clock.now() });
    }
  }

  async #onDeadLetter(event: InboundEvent, error: unknown): Promise<void> {
    const key = toConversationKey(event.ref);
    const context = await this.#deps.store.get(key);
    const code = error instanceof BotError ? error.code : 'unknown';
    await this.#deps.desk.notify(
      context?.ownership.ticket ?? null,
      { kind: 'delivery_failed', text: `An event could not be processed after retries (${code}).`, code },
      context,
      `${event.id}:dead`,
    );
  }

  #move(turn: Turn, to: OwnershipState, by: string, reason: string): void {
    const { ownership, record } = transition(turn.ownership, { to, by, at: this.#deps.clock.now(), reason });
    turn.ownership = ownership;
    turn.transitions.push(record);
  }

  #reply(turn: Turn, message: OutboundMessage): void {
    turn.replies.push(message);
  }

  #changesOf(turn: Turn): TurnChanges {
    return {
      ...turn.changes,
      history: turn.history,
      transitions: turn.transitions,
      ownership: turn.ownership,
      ...(turn.debug ? { lastTurn: turn.debug } : {}),
    };
  }

  #adapter(platform: string): ChannelAdapter {
    const adapter = this.#deps.adapters.get(platform);
    if (!adapter) throw new NotSupportedError(`no channel adapter is registered for platform "${platform}"`);
    return adapter;
  }

  #flowInput(
    event: InboundMessage,
    choiceId: string | undefined,
    understanding: IntentResult,
    context: ConversationContext,
    adapter: ChannelAdapter,
  ): FlowInput {
    return {
      text: event.text,
      ...(choiceId ? { choiceId } : {}),
      understanding,
      slots: { ...context.slots, ...(context.flow?.slots ?? {}) },
      capabilities: adapter.capabilities,
    };
  }

  #articleHits(articleId: string): Promise<readonly KbHit[]> {
    return this.#deps.retriever.article(articleId);
  }

  async #touchProfile(event: InboundMessage, context: ConversationContext): Promise<CustomerProfile | null> {
    const now = this.#deps.clock.now();
    return this.#deps.store.updateProfile(context.customerId, (current) =>
      current?.lastEventId === event.id
        ? current
        : {
            schema: 1,
            id: context.customerId,
            platformIds: { ...(current?.platformIds ?? {}), [event.ref.platform]: event.from.id },
            ...(event.from.name
              ? { displayName: event.from.name }
              : current?.displayName
                ? { displayName: current.displayName }
                : {}),
            firstSeen: current?.firstSeen ?? now,
            lastSeen: now,
            messageCount: (current?.messageCount ?? 0) + 1,
            lastEventId: event.id,
            tier: current?.tier ?? 'standard',
          },
    );
  }
}

function customerIdOf(event: InboundEvent): string {
  const who = event.kind === 'message' ? event.from.id : event.ref.threadOrUser;
  return `${event.ref.platform}:${who}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

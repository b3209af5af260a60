import { BotError, NotSupportedError } from '../errors.ts';
import type { ConversationContext } from '../model/context.ts';
import { type ConversationKey, toConversationKey } from '../model/conversation-key.ts';
import type { InboundEvent, InboundMessage } from '../model/inbound-event.ts';
import type { ChannelAdapter } from '../ports/channel-adapter.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContextStore } from '../ports/context-store.ts';
import type { CopyFor } from '../ports/copy.ts';
import type { EventSink } from '../ports/event-sink.ts';
import type { Flow } from '../ports/flow.ts';
import type { HandoffDesk } from '../ports/handoff-desk.ts';
import type { EnqueueResult, InboundQueue, TurnSession } from '../ports/inbound-queue.ts';
import type { IntentClassifier } from '../ports/intent-classifier.ts';
import type { AnswerGenerator, KnowledgeRetriever } from '../ports/knowledge-retriever.ts';
import type { Logger } from '../ports/logger.ts';
import { type EngineMetrics, noopMetrics } from '../ports/metrics.ts';
import type { ConversationSummarizer } from '../ports/summarizer.ts';
import { EffectRunner } from './act.ts';
import {
  type CustomerFindings,
  type CustomerTurnInput,
  decideCustomerMessage,
  knowledgeNeed,
  knowledgeOutcome,
  needsUnderstanding,
  planCustomerTurn,
  searchOptions,
} from './decide/customer-message.ts';
import { decideDeskAction } from './decide/desk-action.ts';
import { decideSystemEvent } from './decide/system-event.ts';
import type { Decision, TurnRecord } from './decision.ts';
import type { EngineSettings } from './settings.ts';
import { newContext } from './turn-changes.ts';

export type { EngineSettings } from './settings.ts';

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
  /** What the bot says, per locale (production: `<KB_DIR>/copy`, read at startup). */
  readonly copy: CopyFor;
  readonly metrics?: EngineMetrics;
  /** Card summaries for staff when a handoff opens (an LLM when configured). */
  readonly summarizer?: ConversationSummarizer;
  /** Signed links to platform media for staff (see `src/http/media-links.ts`). */
  readonly mediaLink?: (platform: string, mediaId: string) => string;
}

/**
 * The conversation engine. `ingest` records events durably; the queue then hands it
 * one event at a time per conversation, under the conversation's fenced lease, and
 * each turn goes: understand (I/O reads) → decide (pure) → record (the decision and
 * the next context in one atomic, fenced write) → act (perform the recorded effects,
 * each marked done by its idempotency key) → ack. A retry, or another worker after a
 * crash, finds the record and resumes it: an event is never decided twice and an
 * effect marked done is never repeated. The engine never knows which platform it
 * talks to: adapters are looked up by the conversation's platform and described by
 * their capabilities.
 */
export class ConversationEngine implements EventSink {
  readonly #deps: EngineDeps;
  readonly #metrics: EngineMetrics;
  readonly #effects: EffectRunner;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.#metrics = deps.metrics ?? noopMetrics;
    this.#effects = new EffectRunner({
      desk: deps.desk,
      store: deps.store,
      adapter: (platform) => this.#adapter(platform),
      metrics: this.#metrics,
      logger: deps.logger,
      copy: deps.copy,
      ...(deps.mediaLink ? { mediaLink: deps.mediaLink } : {}),
      ...(deps.summarizer ? { summarizer: deps.summarizer } : {}),
    });
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
      (session) => this.handle(session),
      (event, error) => this.#onDeadLetter(event, error),
    );
  }

  /** Stops taking work; running turns get until `deadlineMs` to finish (see `InboundQueue.stop`). */
  stop(deadlineMs?: number): Promise<void> {
    return this.#deps.queue.stop(deadlineMs);
  }

  /** Processes one event. Called by the queue with the conversation's lease held. */
  async handle(session: TurnSession): Promise<void> {
    const started = performance.now();
    const event = session.event;
    const key = toConversationKey(event.ref);
    const log = this.#deps.logger.child({ conversation: key, eventId: event.id, kind: event.kind });
    let record = session.record as TurnRecord | null;
    if (!record) {
      const context =
        session.context ?? newContext(key, event.ref, customerIdOf(event), this.#deps.clock.now());
      const decision = await this.decide(event, context);
      record = { eventId: event.id, effects: decision.effects, debug: decision.debug };
      await session.commit(decision.context, record);
    } else {
      log.info({ pending: record.effects.length - session.done.size }, 'resuming a recorded turn');
    }
    await this.#effects.run(session, record, log);
    const adapter = this.#deps.adapters.get(event.ref.platform);
    await adapter
      ?.endTurn?.({
        ref: event.ref,
        eventId: event.id,
        state: session.context?.ownership.state ?? 'bot',
        debug: record.debug,
        ...(event.replyContext ? { replyContext: event.replyContext } : {}),
      })
      .catch((error: unknown) => log.warn({ err: error }, 'end-of-turn notice failed'));
    this.#metrics.turn(event.ref.platform, record.debug?.route ?? event.kind, performance.now() - started);
  }

  /**
   * Understands the event (classification and knowledge lookups are the only I/O)
   * and returns the pure decision. Exposed for tests and evaluation.
   */
  async decide(event: InboundEvent, context: ConversationContext): Promise<Decision> {
    const now = this.#deps.clock.now();
    switch (event.kind) {
      case 'message': {
        const input = this.#customerInput(event, context, now);
        return decideCustomerMessage(input, await this.#findings(input));
      }
      case 'action':
        return decideDeskAction({
          event,
          context,
          now,
          capabilities: this.#adapter(event.ref.platform).capabilities,
          copy: this.#deps.copy,
        });
      case 'system':
        return decideSystemEvent({ event, context, now, copy: this.#deps.copy });
    }
  }

  #customerInput(event: InboundMessage, context: ConversationContext, now: number): CustomerTurnInput {
    return {
      event,
      context,
      now,
      settings: this.#deps.settings,
      copy: this.#deps.copy,
      capabilities: this.#adapter(event.ref.platform).capabilities,
      flows: this.#deps.flows,
    };
  }

  async #findings(input: CustomerTurnInput): Promise<CustomerFindings> {
    if (!needsUnderstanding(input)) return { understanding: null, hits: [], answer: null };
    const { event, context } = input;
    const adapter = this.#adapter(event.ref.platform);
    adapter
      .startTyping?.(event.ref, event.replyContext)
      .catch((error: unknown) => this.#deps.logger.debug({ err: error }, 'typing indicator failed'));
    const understanding = await this.#deps.classifier.classify({
      text: event.text,
      history: context.history,
    });
    const plan = planCustomerTurn(input, understanding);
    const need = knowledgeNeed(plan, event);
    if (!need) return { understanding, hits: [], answer: null };
    const hits =
      need.type === 'article'
        ? await this.#deps.retriever.article(need.id)
        : await this.#deps.retriever.search(need.query, {
            k: this.#deps.settings.kbResults,
            ...searchOptions(understanding),
          });
    const outcome = knowledgeOutcome(plan, hits, input);
    if (outcome.type !== 'answer') return { understanding, hits, answer: null };
    const answer = await this.#deps.answerer.answer({
      question: event.text,
      hits: outcome.hits,
      history: context.history,
      maxLength: Math.min(adapter.capabilities.maxTextLength, this.#deps.settings.answerMaxLength),
      ...(understanding.signals.language !== 'und' ? { language: understanding.signals.language } : {}),
    });
    return { understanding, hits, answer };
  }

  async #onDeadLetter(event: InboundEvent, error: unknown): Promise<void> {
    const key = toConversationKey(event.ref);
    const context = await this.#deps.store.get(key as ConversationKey);
    const code = error instanceof BotError ? error.code : 'unknown';
    await this.#deps.desk.notify(
      context?.ownership.ticket ?? null,
      {
        kind: 'delivery_failed',
        text: `A ${event.kind} event could not be processed after retries (${code}); it is kept in the dead letters for replay.`,
        code,
      },
      context,
      `${event.id}:dead`,
    );
  }

  #adapter(platform: string): ChannelAdapter {
    const adapter = this.#deps.adapters.get(platform);
    if (!adapter) throw new NotSupportedError(`no channel adapter is registered for platform "${platform}"`);
    return adapter;
  }
}

function customerIdOf(event: InboundEvent): string {
  const who = event.kind === 'message' ? event.from.id : event.ref.threadOrUser;
  return `${event.ref.platform}:${who}`;
}

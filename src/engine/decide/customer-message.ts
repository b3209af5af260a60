import type { Capabilities } from '../../model/capabilities.ts';
import type { ConversationContext } from '../../model/context.ts';
import type { InboundMessage } from '../../model/inbound-event.ts';
import type { Choice } from '../../model/outbound-message.ts';
import type { HandoffTicket } from '../../model/ownership.ts';
import type { IntentResult, KbAnswer, KbHit } from '../../model/understanding.ts';
import type { Flow, FlowInput, StepResult } from '../../ports/flow.ts';
import { COPY, ENGINE_CHOICES } from '../copy.ts';
import type { Decision } from '../decision.ts';
import { type HandoffPriority, decideHandoff } from '../handoff-policy.ts';
import { isHumanOwned } from '../ownership.ts';
import {
  HUMAN_INTENT,
  type KnowledgeOutcome,
  type Route,
  judgeHits,
  matchTypedChoice,
  routeMessage,
} from '../router.ts';
import type { EngineSettings } from '../settings.ts';
import { TurnBuilder, ticketIdFor } from './turn-builder.ts';

/** What the I/O phase found out before deciding: understanding and knowledge. */
export interface CustomerFindings {
  /** Null when the turn did not need it (a human owns the conversation, a rating). */
  readonly understanding: IntentResult | null;
  /** Retrieval results, when the plan asked for them. */
  readonly hits: readonly KbHit[];
  /** A drafted answer, when the knowledge outcome is `answer`. */
  readonly answer: KbAnswer | null;
}

export interface CustomerTurnInput {
  readonly event: InboundMessage;
  readonly context: ConversationContext;
  readonly now: number;
  readonly settings: EngineSettings;
  readonly capabilities: Capabilities;
  readonly flows: readonly Flow[];
}

/** The shape of a customer turn, known before any knowledge lookup. */
export type CustomerPlan =
  | { readonly type: 'relay' }
  | { readonly type: 'rating'; readonly score: number; readonly ticketId: string }
  | { readonly type: 'flow_step'; readonly flow: Flow; readonly choiceId: string | undefined }
  | { readonly type: 'handoff'; readonly reason: string; readonly priority: HandoffPriority }
  | { readonly type: 'route'; readonly route: Route; readonly choiceId: string | undefined };

/** Whether the turn needs classification at all (not while a human owns it, nor for a rating). */
export function needsUnderstanding(input: CustomerTurnInput): boolean {
  const plan = planCustomerTurn(input, null);
  return plan.type !== 'relay' && plan.type !== 'rating';
}

/** Pure: what this turn will do, given the understanding (null before classifying). */
export function planCustomerTurn(input: CustomerTurnInput, understanding: IntentResult | null): CustomerPlan {
  const { event, context } = input;
  if (isHumanOwned(context.ownership.state)) return { type: 'relay' };
  const choiceId = event.choiceId ?? matchTypedChoice(event.text, context.pendingChoices);
  if (context.awaitingRating && choiceId?.startsWith(ENGINE_CHOICES.ratingPrefix)) {
    const score = Number(choiceId.slice(ENGINE_CHOICES.ratingPrefix.length));
    if (Number.isInteger(score) && score >= 1 && score <= 5) {
      return { type: 'rating', score, ticketId: context.awaitingRating };
    }
  }
  if (!understanding) return { type: 'route', route: { type: 'knowledge' }, choiceId };
  const activeFlow = context.flow ? input.flows.find((f) => f.id === context.flow?.flowId) : undefined;
  if (context.flow && activeFlow && !understanding.signals.humanRequested) {
    return { type: 'flow_step', flow: activeFlow, choiceId };
  }
  const route = routeMessage({
    choiceId,
    understanding,
    flows: input.flows,
    minIntentConfidence: input.settings.minIntentConfidence,
  });
  const vipOnChosenIntent =
    input.settings.isVip?.(context.customerId) === true &&
    understanding.intent !== null &&
    (input.settings.vipHandoffIntents ?? []).includes(understanding.intent);
  const policy = decideHandoff({
    signals: understanding.signals,
    intentIsHumanRequest: understanding.intent === HUMAN_INTENT,
    failedTurns: 0,
    failedTurnsLimit: input.settings.failedTurnsLimit,
    flowRequested: false,
    choseHuman: route.type === 'handoff_choice',
    vipOnChosenIntent,
  });
  if (policy.handoff) return { type: 'handoff', reason: policy.reason, priority: policy.priority };
  return { type: 'route', route, choiceId };
}

/** Pure: which knowledge lookup the plan needs, if any. */
export function knowledgeNeed(
  plan: CustomerPlan,
  event: InboundMessage,
):
  | { readonly type: 'search'; readonly query: string }
  | { readonly type: 'article'; readonly id: string }
  | null {
  if (plan.type !== 'route') return null;
  if (plan.route.type === 'article') return { type: 'article', id: plan.route.articleId };
  if (plan.route.type === 'knowledge' || plan.route.type === 'handoff_choice')
    return { type: 'search', query: event.text };
  return null;
}

/** Pure: turns retrieval hits into answer / clarify / unknown for this plan. */
export function knowledgeOutcome(
  plan: CustomerPlan,
  hits: readonly KbHit[],
  input: CustomerTurnInput,
): KnowledgeOutcome {
  if (plan.type === 'route' && plan.route.type === 'article') {
    return hits.length > 0 ? { type: 'answer', hits } : { type: 'unknown' };
  }
  return judgeHits(
    hits,
    { answer: input.settings.answerThreshold, clarify: input.settings.clarifyThreshold },
    Math.max(2, Math.min(3, input.capabilities.maxButtons || 3)),
  );
}

/**
 * Pure: decides a customer message. While staff own the conversation the message is
 * relayed to the desk and the bot says nothing; otherwise a rating, an active flow,
 * a handoff, small talk, a flow start or a knowledge answer, clarification or offer.
 */
export function decideCustomerMessage(input: CustomerTurnInput, findings: CustomerFindings): Decision {
  const { event, context, now } = input;
  const turn = new TurnBuilder(event, context, now);
  turn.changes.lastInboundAt = now;
  if (event.from.name) turn.changes.customerName = event.from.name;
  turn.remember({ role: 'customer', text: event.text, at: event.at, eventId: event.id });

  const plan = planCustomerTurn(input, findings.understanding);
  const u = findings.understanding;
  turn.debug = {
    eventId: event.id,
    intent: u?.intent ?? null,
    confidence: u?.confidence ?? null,
    kb: [],
    route: 'pending',
  };

  switch (plan.type) {
    case 'relay': {
      const ticket = context.ownership.ticket;
      if (ticket) {
        turn.effect({
          type: 'desk_relay',
          ticket,
          message: {
            eventId: event.id,
            text: event.text,
            at: event.at,
            from: { id: event.from.id, ...(event.from.name ? { name: event.from.name } : {}) },
            ...(event.attachments ? { attachments: event.attachments } : {}),
          },
        });
      }
      turn.debug = { ...turn.debug, route: 'relayed_to_staff' };
      return turn.build();
    }
    case 'rating': {
      if (context.ownership.state === 'resolved')
        turn.move('bot', event.from.id, 'customer rated the handoff');
      const ticket: HandoffTicket = context.ownership.ticket ?? {
        id: plan.ticketId,
        openedAt: now,
        reason: 'rated',
        escalationLevel: 0,
      };
      turn.effect({ type: 'desk_rate', ticket, score: plan.score });
      turn.reply({ kind: 'text', text: COPY.ratingThanks }, 'answer');
      turn.changes.awaitingRating = null;
      turn.changes.pendingChoices = [];
      turn.debug = { ...turn.debug, route: 'rating' };
      return turn.build();
    }
    default:
      break;
  }

  if (context.ownership.state === 'resolved') turn.move('bot', event.from.id, 'customer wrote after resolve');
  turn.changes.awaitingRating = null;
  turn.changes.pendingChoices = [];

  if (plan.type === 'flow_step') {
    const flowState = context.flow;
    const result = plan.flow.step(
      flowState?.stepId ?? '',
      flowInput(input, plan.choiceId, u),
      flowState?.retries ?? 0,
    );
    applyFlowResult(turn, input, plan.flow, result, findings, false);
    return turn.build();
  }
  if (plan.type === 'handoff') {
    turn.debug = { ...turn.debug, route: 'handoff' };
    handoff(turn, input, plan.reason, plan.priority, findings, findings.hits);
    return turn.build();
  }

  const route = plan.route;
  switch (route.type) {
    case 'dismiss':
      turn.debug = { ...turn.debug, route: 'dismiss' };
      turn.reply({ kind: 'text', text: COPY.dismissed }, 'answer');
      turn.changes.failedTurns = 0;
      return turn.build();
    case 'small_talk':
      turn.debug = { ...turn.debug, route: 'small_talk' };
      turn.reply({ kind: 'text', text: COPY[route.intent] }, 'answer');
      return turn.build();
    case 'flow':
      turn.debug = { ...turn.debug, route: 'flow', flow: route.flow.id };
      applyFlowResult(
        turn,
        input,
        route.flow,
        route.flow.start(flowInput(input, plan.choiceId, u)),
        findings,
        true,
      );
      return turn.build();
    default:
      break;
  }

  const hits = findings.hits;
  turn.debug = { ...turn.debug, kb: hits.map((h) => ({ id: h.id, title: h.title, score: round(h.score) })) };
  const outcome = knowledgeOutcome(plan, hits, input);
  if (outcome.type === 'clarify') {
    turn.debug = { ...turn.debug, route: 'clarify' };
    const choices: Choice[] = [
      ...outcome.articles.map((a) => ({ id: `${ENGINE_CHOICES.articlePrefix}${a.id}`, label: a.title })),
      ENGINE_CHOICES.handoff,
    ];
    turn.reply({ kind: 'choices', text: COPY.clarify, choices }, 'answer');
    turn.changes.pendingChoices = choices;
    return turn.build();
  }
  if (outcome.type === 'answer' && findings.answer?.grounded) {
    turn.debug = { ...turn.debug, route: 'kb_answer' };
    turn.reply({ kind: 'text', text: findings.answer.text, citations: findings.answer.citations }, 'answer');
    turn.changes.failedTurns = 0;
    return turn.build();
  }
  cannotHelp(turn, input, findings);
  return turn.build();
}

/** No answer: count the failure, and hand off once the policy says so. */
function cannotHelp(turn: TurnBuilder, input: CustomerTurnInput, findings: CustomerFindings): void {
  const failedTurns = input.context.failedTurns + 1;
  const policy = decideHandoff({
    signals: findings.understanding?.signals ?? null,
    intentIsHumanRequest: false,
    failedTurns,
    failedTurnsLimit: input.settings.failedTurnsLimit,
    flowRequested: false,
    choseHuman: false,
  });
  if (policy.handoff) {
    turn.debug = turn.debug ? { ...turn.debug, route: 'handoff' } : null;
    handoff(turn, input, policy.reason, policy.priority, findings, findings.hits);
    return;
  }
  turn.debug = turn.debug ? { ...turn.debug, route: 'unknown' } : null;
  const choices = [ENGINE_CHOICES.handoff, ENGINE_CHOICES.dismiss];
  turn.reply({ kind: 'choices', text: COPY.unknown, choices }, 'answer');
  turn.changes.failedTurns = failedTurns;
  turn.changes.pendingChoices = choices;
}

function applyFlowResult(
  turn: TurnBuilder,
  input: CustomerTurnInput,
  flow: Flow,
  result: StepResult,
  findings: CustomerFindings,
  starting: boolean,
): void {
  const { context, now } = input;
  const slots = { ...context.slots, ...(result.slots ?? {}) };
  const choices = result.reply.choices ?? [];
  turn.reply(
    choices.length > 0
      ? { kind: 'choices', text: result.reply.text, choices }
      : { kind: 'text', text: result.reply.text },
    'answer',
  );
  turn.changes.slots = slots;
  turn.changes.pendingChoices = choices;
  turn.changes.failedTurns = 0;
  turn.debug = turn.debug ? { ...turn.debug, route: 'flow', flow: flow.id } : null;
  switch (result.type) {
    case 'continue': {
      const previous = starting ? undefined : context.flow;
      const retries = result.retry ? (previous?.retries ?? 0) + 1 : 0;
      turn.changes.flow = {
        flowId: flow.id,
        stepId: result.nextStep,
        slots: result.slots ?? {},
        retries,
        startedAt: previous?.startedAt ?? now,
        updatedAt: now,
      };
      return;
    }
    case 'done':
      turn.changes.flow = null;
      return;
    case 'handoff':
      turn.changes.flow = null;
      handoff(
        turn,
        { ...input, context: { ...context, slots } },
        result.reason,
        'normal',
        findings,
        [],
        false,
      );
      return;
  }
}

/**
 * Hands off: tells the customer what happens next (when staff are back, if they are
 * away), then opens the ticket. The customer hears first, so a desk that is down
 * cannot leave them in silence.
 */
function handoff(
  turn: TurnBuilder,
  input: CustomerTurnInput,
  reason: string,
  priority: HandoffPriority,
  findings: CustomerFindings,
  kbTried: readonly KbHit[],
  notify = true,
): void {
  const { context, now, event } = input;
  const ticket: HandoffTicket = {
    id: ticketIdFor(context.key, event.id),
    openedAt: now,
    reason,
    escalationLevel: 0,
    priority,
  };
  turn.move('waiting_for_human', 'bot', reason);
  turn.setTicket(ticket);
  turn.changes.flow = null;
  turn.changes.failedTurns = 0;
  turn.changes.pendingChoices = [];
  if (notify) {
    const availability = input.settings.staffAvailability?.(now);
    const text =
      availability && !availability.open
        ? COPY.handoffClosed.replace('{backAt}', availability.backAt ?? 'soon')
        : priority === 'normal'
          ? COPY.handoff
          : COPY.handoffApology;
    turn.reply({ kind: 'handoff_notice', text, state: 'waiting_for_human' }, 'handoff_notice');
  }
  const u = findings.understanding;
  turn.effect({
    type: 'desk_open',
    reason,
    opening: {
      ticket,
      priority,
      understanding: u,
      kbTried: kbTried.slice(0, 5).map((h) => ({ id: h.id, title: h.title, score: round(h.score) })),
      slots: turn.changes.slots ?? context.slots,
    },
  });
}

function flowInput(
  input: CustomerTurnInput,
  choiceId: string | undefined,
  understanding: IntentResult | null,
): FlowInput {
  const { event, context } = input;
  return {
    text: event.text,
    ...(choiceId ? { choiceId } : {}),
    understanding,
    slots: { ...context.slots, ...(context.flow?.slots ?? {}) },
    capabilities: input.capabilities,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

import type { Capabilities } from '../../model/capabilities.ts';
import type { ConversationContext } from '../../model/context.ts';
import type { InboundMessage } from '../../model/inbound-event.ts';
import type { Choice } from '../../model/outbound-message.ts';
import type { HandoffTicket } from '../../model/ownership.ts';
import type { IntentResult, KbAnswer, KbHit } from '../../model/understanding.ts';
import type { Copy, CopyFor } from '../../ports/copy.ts';
import { fillCopy } from '../../ports/copy.ts';
import type { Flow, FlowInput, StepResult } from '../../ports/flow.ts';
import { ENGINE_CHOICES } from '../choices.ts';
import type { Decision } from '../decision.ts';
import { type HandoffPriority, decideHandoff } from '../handoff-policy.ts';
import { isHumanOwned } from '../ownership.ts';
import {
  FLOW_IDLE_MS,
  HUMAN_INTENT,
  type KnowledgeOutcome,
  type Route,
  isCancelCommand,
  judgeHits,
  looksLikeQuestion,
  matchTypedChoice,
  routeMessage,
  weakFlowFallback,
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
  /** What the bot says, per locale. */
  readonly copy: CopyFor;
  readonly capabilities: Capabilities;
  readonly flows: readonly Flow[];
}

/** The shape of a customer turn, known before any knowledge lookup. */
export type CustomerPlan =
  | { readonly type: 'relay' }
  | { readonly type: 'rating'; readonly score: number; readonly ticketId: string }
  | { readonly type: 'flow_step'; readonly flow: Flow; readonly choiceId: string | undefined }
  /** "cancel", "stop", "start over": leaves the active flow (if any) and pending choices. */
  | { readonly type: 'cancel'; readonly flow: Flow | undefined }
  /** The customer chose to go back to the flow they stepped out of. */
  | { readonly type: 'flow_resume'; readonly flow: Flow }
  | {
      readonly type: 'handoff';
      readonly reason: string;
      readonly priority: HandoffPriority;
      /** The local path cannot answer in the customer's language. */
      readonly language?: string;
    }
  | {
      readonly type: 'route';
      readonly route: Route;
      readonly choiceId: string | undefined;
      /** A flow the customer stepped out of: answered, then reminded of it (or it takes over again). */
      readonly resume?: Flow;
    };

/**
 * How sure the classifier must be of a support topic before an angry statement about it is answered
 * (with an apology and a person offered) rather than met with the apology alone.
 */
const COMPLAINT_TOPIC_CONFIDENCE = 0.6;

/** Languages the local path answers in (the knowledge base's); others get a person, or the LLM. */
const LOCAL_ANSWER_LANGUAGES = new Set(['en', 'und']);

/** Whether the turn needs classification at all (not while a human owns it, nor for a rating). */
export function needsUnderstanding(input: CustomerTurnInput): boolean {
  const plan = planCustomerTurn(input, null);
  return plan.type !== 'relay' && plan.type !== 'rating';
}

/** The active flow, unless it went idle (then it is dropped and the message routed afresh). */
export function activeFlowOf(input: CustomerTurnInput): Flow | undefined {
  const state = input.context.flow;
  if (!state || input.now - state.updatedAt > FLOW_IDLE_MS) return undefined;
  return input.flows.find((f) => f.id === state.flowId);
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
  const activeFlow = activeFlowOf(input);
  if (choiceId === ENGINE_CHOICES.flowCancel || (choiceId === undefined && isCancelCommand(event.text))) {
    return { type: 'cancel', flow: activeFlow };
  }
  if (activeFlow && choiceId === ENGINE_CHOICES.flowContinue)
    return { type: 'flow_resume', flow: activeFlow };
  let resume: Flow | undefined;
  if (activeFlow && !understanding.signals.humanRequested) {
    if (!stepsOut(input, activeFlow, choiceId, understanding)) {
      return { type: 'flow_step', flow: activeFlow, choiceId };
    }
    resume = activeFlow;
  }
  const routed = routeMessage({
    choiceId,
    understanding,
    flows: input.flows,
    minIntentConfidence: input.settings.minIntentConfidence,
  });
  // A complaint that asks nothing ("your driver was rude and threw my parcel") is a complaint: apologise
  // and offer a person, no article. Unless it is confidently about a support topic the knowledge base
  // answers ("sent it back two weeks ago and still no refund, ridiculous"): then the answer comes with
  // the apology and the person (see the knowledge branch), and without an answer it is a complaint.
  const route: Route =
    routed.type === 'knowledge' &&
    understanding.signals.complaint === true &&
    !looksLikeQuestion(event.text) &&
    !(understanding.intent !== null && understanding.confidence >= COMPLAINT_TOPIC_CONFIDENCE)
      ? { type: 'complaint' }
      : routed;
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
  if (policy.handoff) {
    const chosenPriority = route.type === 'handoff_choice' ? route.priority : undefined;
    const priority = chosenPriority === 'high' && policy.priority === 'normal' ? 'high' : policy.priority;
    return { type: 'handoff', reason: policy.reason, priority };
  }
  // Without a model the answers are the English articles quoted as they are: a question in another
  // language goes to a person, with the language on the ticket, rather than an English reply.
  const language = understanding.signals.language;
  if (
    (route.type === 'knowledge' || route.type === 'complaint') &&
    understanding.source !== 'llm' &&
    !LOCAL_ANSWER_LANGUAGES.has(language.toLowerCase().split('-')[0] ?? '')
  ) {
    return {
      type: 'handoff',
      reason: `customer writes in ${language}; the local path answers in English only`,
      priority: route.type === 'complaint' ? 'high' : 'normal',
      language,
    };
  }
  return resume ? { type: 'route', route, choiceId, resume } : { type: 'route', route, choiceId };
}

/**
 * Pure: whether a message mid-flow steps out of it. The flow keeps everything it accepts (its
 * own choices, a valid answer); a message it would reject steps out when it is an engine choice,
 * a confident intent that is not the flow's own, or a support question.
 */
function stepsOut(
  input: CustomerTurnInput,
  flow: Flow,
  choiceId: string | undefined,
  understanding: IntentResult,
): boolean {
  if (choiceId !== undefined) return choiceId.startsWith('sb:');
  const state = input.context.flow;
  const result = flow.step(
    state?.stepId ?? '',
    flowInput(input, undefined, understanding),
    state?.retries ?? 0,
  );
  const rejected = result.type === 'handoff' || (result.type === 'continue' && result.retry === true);
  if (!rejected) return false;
  const intent = understanding.intent;
  const otherIntent =
    intent !== null &&
    understanding.confidence >= input.settings.minIntentConfidence &&
    !flow.triggers.includes(intent);
  return otherIntent || looksLikeQuestion(input.event.text);
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
  if (
    plan.route.type === 'knowledge' ||
    plan.route.type === 'handoff_choice' ||
    (plan.route.type === 'flow' && plan.route.tentative === true)
  )
    return { type: 'search', query: event.text };
  return null;
}

/** The retrieval options for a search: the recognised intent favours the articles linked to it. */
export function searchOptions(understanding: IntentResult | null): {
  readonly intent?: { readonly name: string; readonly confidence: number };
} {
  return understanding?.intent
    ? { intent: { name: understanding.intent, confidence: understanding.confidence } }
    : {};
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
  const copy = input.copy(u?.signals.language);
  if (u && u.signals.language !== 'und') turn.changes.language = u.signals.language;
  // A flow left idle is dropped quietly; the message is routed as if there had been none.
  if (context.flow && !activeFlowOf(input) && plan.type !== 'relay') turn.changes.flow = null;
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
      turn.reply({ kind: 'text', text: copy.ratingThanks }, 'answer');
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
    handoff(
      turn,
      input,
      plan.reason,
      plan.priority,
      findings,
      findings.hits,
      true,
      plan.language ? copy.handoffLanguage : undefined,
    );
    return turn.build();
  }
  if (plan.type === 'cancel') {
    turn.debug = { ...turn.debug, route: 'cancel' };
    turn.changes.flow = null;
    turn.changes.failedTurns = 0;
    turn.reply(
      {
        kind: 'text',
        text: plan.flow || context.pendingChoices.length > 0 ? copy.cancelled : copy.nothingToCancel,
      },
      'answer',
    );
    return turn.build();
  }
  if (plan.type === 'flow_resume') {
    turn.debug = { ...turn.debug, route: 'flow', flow: plan.flow.id };
    applyFlowResult(turn, input, plan.flow, plan.flow.start(flowInput(input, undefined, u)), findings, false);
    return turn.build();
  }

  const route = plan.route;
  switch (route.type) {
    case 'dismiss':
      turn.debug = { ...turn.debug, route: 'dismiss' };
      turn.reply({ kind: 'text', text: copy.dismissed }, 'answer');
      turn.changes.failedTurns = 0;
      remind(turn, plan, copy);
      return turn.build();
    case 'small_talk':
      turn.debug = { ...turn.debug, route: 'small_talk' };
      turn.reply({ kind: 'text', text: copy[route.intent] }, 'answer');
      remind(turn, plan, copy);
      return turn.build();
    case 'complaint':
      apologise(turn, copy);
      return turn.build();
    case 'off_topic':
      offTopic(turn, input, copy);
      return turn.build();
    case 'flow':
      // Unsure it is the flow's intent, and an article answers it confidently: the article wins.
      if (route.tentative === true && confidentAnswer(findings, input)) break;
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
  // No confident article, but the message leans towards a flow's intent: the flow asks what it needs.
  const fallbackFlow =
    u && plan.route.type === 'knowledge' && !plan.resume
      ? weakFlowFallback(u, input.flows, hits, input.settings.answerThreshold)
      : undefined;
  if (fallbackFlow) {
    turn.debug = { ...turn.debug, route: 'flow', flow: fallbackFlow.id };
    applyFlowResult(
      turn,
      input,
      fallbackFlow,
      fallbackFlow.start(flowInput(input, plan.choiceId, u)),
      findings,
      true,
    );
    return turn.build();
  }
  if (outcome.type === 'clarify') {
    turn.debug = { ...turn.debug, route: 'clarify' };
    const choices: Choice[] = [
      ...outcome.articles.map((a) => ({ id: `${ENGINE_CHOICES.articlePrefix}${a.id}`, label: a.title })),
      { id: ENGINE_CHOICES.handoff, label: copy.choices.handoff },
    ];
    turn.reply({ kind: 'choices', text: copy.clarify, choices }, 'answer');
    turn.changes.pendingChoices = choices;
    return turn.build();
  }
  if (outcome.type === 'answer' && findings.answer?.grounded) {
    turn.debug = { ...turn.debug, route: 'kb_answer' };
    const answer = findings.answer;
    // The bot never tells a customer to contact support: where the article would, or the customer
    // is upset, a person is offered right here with the answer.
    const upset = u?.signals.complaint === true;
    if ((answer.offerHandoff === true || upset) && !plan.resume) {
      const choices: Choice[] = [
        {
          id: upset ? ENGINE_CHOICES.handoffPriority : ENGINE_CHOICES.handoff,
          label: copy.choices.handoff,
        },
      ];
      const text = upset ? `${copy.apology}\n\n${answer.text}` : answer.text;
      turn.reply({ kind: 'choices', text, citations: answer.citations, choices }, 'answer');
      turn.changes.pendingChoices = choices;
    } else {
      turn.reply({ kind: 'text', text: answer.text, citations: answer.citations }, 'answer');
    }
    turn.changes.failedTurns = 0;
    remind(turn, plan, copy);
    return turn.build();
  }
  if (plan.resume) {
    // Stepped out of the flow but nothing answers it either: it was meant for the flow after all.
    const state = context.flow;
    const result = plan.resume.step(
      state?.stepId ?? '',
      flowInput(input, plan.choiceId, u),
      state?.retries ?? 0,
    );
    applyFlowResult(turn, input, plan.resume, result, findings, false);
    return turn.build();
  }
  // Upset about a support topic the knowledge base has nothing confident on: the apology and a person.
  if (u?.signals.complaint === true && outcome.type === 'unknown') {
    apologise(turn, copy);
    return turn.build();
  }
  cannotHelp(turn, input, findings, copy);
  return turn.build();
}

/** After answering something else mid-flow: remind the customer of the flow and offer to go on. */
function remind(turn: TurnBuilder, plan: CustomerPlan, copy: Copy): void {
  if (plan.type !== 'route' || !plan.resume) return;
  const flow = copy.flows[plan.resume.id] ?? plan.resume.id;
  const choices: Choice[] = [
    { id: ENGINE_CHOICES.flowContinue, label: copy.choices.continueFlow },
    { id: ENGINE_CHOICES.flowCancel, label: copy.choices.cancelFlow },
  ];
  turn.reply({ kind: 'choices', text: fillCopy(copy.flowReminder, { flow }), choices }, 'answer');
  turn.changes.pendingChoices = choices;
}

/**
 * No answer. Off-topic messages (confidently no support intent) get what the bot can help with,
 * as choices, and do not count towards a handoff: staff are not there for small talk. A support
 * question the bot cannot answer counts, and the policy hands off once there are enough.
 */
function cannotHelp(
  turn: TurnBuilder,
  input: CustomerTurnInput,
  findings: CustomerFindings,
  copy: Copy,
): void {
  const u = findings.understanding;
  // Off-topic: the classifier is confident the message is about nothing the bot supports (for an
  // out-of-scope result, `confidence` is the confidence in "out of scope").
  if (u !== null && u.intent === null && u.confidence >= input.settings.minIntentConfidence) {
    offTopic(turn, input, copy);
    return;
  }
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
  const choices: Choice[] = [
    { id: ENGINE_CHOICES.handoff, label: copy.choices.handoff },
    { id: ENGINE_CHOICES.dismiss, label: copy.choices.dismiss },
  ];
  turn.reply({ kind: 'choices', text: copy.unknown, choices }, 'answer');
  turn.changes.failedTurns = failedTurns;
  turn.changes.pendingChoices = choices;
}

/** An answer drafted from an article that clears the answer threshold on its own. */
function confidentAnswer(findings: CustomerFindings, input: CustomerTurnInput): boolean {
  const best = findings.hits[0];
  return (
    findings.answer?.grounded === true && best !== undefined && best.score >= input.settings.answerThreshold
  );
}

/** What the bot can help with, as choices; off-topic turns never count towards a handoff. */
function offTopic(turn: TurnBuilder, input: CustomerTurnInput, copy: Copy): void {
  turn.debug = turn.debug ? { ...turn.debug, route: 'off_topic' } : null;
  const max = Math.max(2, Math.min(copy.topics.length, input.capabilities.maxButtons || 3) - 1);
  const choices: Choice[] = [
    ...copy.topics
      .slice(0, max)
      .map((t) => ({ id: `${ENGINE_CHOICES.articlePrefix}${t.article}`, label: t.label })),
    { id: ENGINE_CHOICES.handoff, label: copy.choices.handoff },
  ];
  turn.reply({ kind: 'choices', text: copy.offTopic, choices }, 'answer');
  turn.changes.pendingChoices = choices;
}

/** A complaint: the apology and a person offered at once (chosen, the handoff has high priority). */
function apologise(turn: TurnBuilder, copy: Copy): void {
  turn.debug = turn.debug ? { ...turn.debug, route: 'complaint' } : null;
  const choices: Choice[] = [
    { id: ENGINE_CHOICES.handoffPriority, label: copy.choices.handoff },
    { id: ENGINE_CHOICES.dismiss, label: copy.choices.dismiss },
  ];
  turn.reply({ kind: 'choices', text: copy.complaint, choices }, 'answer');
  turn.changes.pendingChoices = choices;
  turn.changes.failedTurns = 0;
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
  /** What the customer is told instead of the usual handoff notice (e.g. the language handoff). */
  notice?: string,
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
    const copy = input.copy(findings.understanding?.signals.language);
    const text =
      availability && !availability.open && availability.backAt
        ? fillCopy(copy.handoffAfterHours, { backAt: availability.backAt })
        : (notice ?? (priority === 'normal' ? copy.handoff : copy.complaintHandoff));
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

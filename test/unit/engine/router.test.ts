import { describe, expect, it } from 'vitest';
import { orderStatusFlow } from '../../../flows/order-status/flow.ts';
import {
  isCancelCommand,
  judgeHits,
  looksLikeQuestion,
  matchTypedChoice,
  routeMessage,
  weakFlowFallback,
} from '../../../src/engine/router.ts';
import type { IntentResult, KbHit } from '../../../src/model/understanding.ts';

const understanding = (intent: string | null, confidence = 0.9): IntentResult => ({
  intent,
  confidence,
  signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'en' },
  source: 'test',
});
const hit = (id: string, score: number): KbHit => ({ id, chunkId: `${id}#0`, title: id, text: id, score });

describe('routeMessage', () => {
  const flows = [orderStatusFlow];
  it('starts the flow an intent triggers, when confident', () => {
    expect(
      routeMessage({
        choiceId: undefined,
        understanding: understanding('order_status'),
        flows,
        minIntentConfidence: 0.5,
      }),
    ).toMatchObject({ type: 'flow' });
    expect(
      routeMessage({
        choiceId: undefined,
        understanding: understanding('order_status', 0.3),
        flows,
        minIntentConfidence: 0.5,
      }).type,
    ).toBe('knowledge');
  });
  it('marks a flow tentative below the sure confidence, so a confident article can answer instead', () => {
    const route = (confidence: number) =>
      routeMessage({
        choiceId: undefined,
        understanding: understanding('order_status', confidence),
        flows,
        minIntentConfidence: 0.5,
      });
    expect(route(0.6)).toMatchObject({ type: 'flow', tentative: true });
    expect(route(0.9)).not.toHaveProperty('tentative');
  });
  it('answers small talk itself and sends everything else to the knowledge base', () => {
    expect(
      routeMessage({
        choiceId: undefined,
        understanding: understanding('thanks'),
        flows,
        minIntentConfidence: 0.5,
      }),
    ).toEqual({ type: 'small_talk', intent: 'thanks' });
    expect(
      routeMessage({
        choiceId: undefined,
        understanding: understanding(null),
        flows,
        minIntentConfidence: 0.5,
      }).type,
    ).toBe('knowledge');
  });
  it("sends a message about another company's service off-topic, whatever its intent", () => {
    const u = understanding('cancel_subscription');
    expect(
      routeMessage({
        choiceId: undefined,
        understanding: { ...u, signals: { ...u.signals, otherService: 'netflix' } },
        flows,
        minIntentConfidence: 0.5,
      }),
    ).toEqual({ type: 'off_topic' });
  });
  it('honours engine choice ids before the intent', () => {
    expect(
      routeMessage({
        choiceId: 'sb:kb:reset-password',
        understanding: understanding('thanks'),
        flows,
        minIntentConfidence: 0.5,
      }),
    ).toEqual({ type: 'article', articleId: 'reset-password' });
    expect(
      routeMessage({
        choiceId: 'sb:handoff',
        understanding: understanding(null),
        flows,
        minIntentConfidence: 0.5,
      }).type,
    ).toBe('handoff_choice');
  });
});

describe('weakFlowFallback', () => {
  const flows = [orderStatusFlow];
  it('starts the flow a weakly recognised intent triggers when no article clears the answer threshold', () => {
    expect(
      weakFlowFallback(understanding('order_status', 0.48), flows, [hit('track-order', 0.55)], 0.6),
    ).toBe(orderStatusFlow);
    expect(weakFlowFallback(understanding('order_status', 0.4), flows, [], 0.6)).toBe(orderStatusFlow);
  });
  it('leaves a confident article, a too unsure intent and intents without a flow to the knowledge base', () => {
    expect(
      weakFlowFallback(understanding('order_status', 0.48), flows, [hit('track-order', 0.61)], 0.6),
    ).toBeUndefined();
    expect(weakFlowFallback(understanding('order_status', 0.3), flows, [], 0.6)).toBeUndefined();
    expect(weakFlowFallback(understanding('lost_package', 0.9), flows, [], 0.6)).toBeUndefined();
    expect(weakFlowFallback(understanding(null, 0.9), flows, [], 0.6)).toBeUndefined();
  });
});

describe('judgeHits', () => {
  const t = { answer: 0.5, clarify: 0.3 };
  it('answers above the answer threshold, says unknown below clarify', () => {
    expect(judgeHits([hit('a', 0.8)], t, 3).type).toBe('answer');
    expect(judgeHits([hit('a', 0.2)], t, 3).type).toBe('unknown');
    expect(judgeHits([], t, 3).type).toBe('unknown');
  });
  it('asks which article when several distinct ones are in the middle band', () => {
    const outcome = judgeHits(
      [hit('a', 0.45), hit('a', 0.44), hit('b', 0.4), hit('c', 0.35), hit('d', 0.31)],
      t,
      3,
    );
    expect(outcome).toMatchObject({ type: 'clarify' });
    expect(outcome.type === 'clarify' && outcome.articles.map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });
  it('answers with a lone middle-band candidate rather than asking a one-option question', () => {
    expect(judgeHits([hit('a', 0.4), hit('b', 0.1)], t, 3).type).toBe('answer');
  });

  it('lets a sure article classifier vote settle a near tie between the offered articles', () => {
    const voted = { ...hit('b', 0.88), vote: 0.55 };
    const outcome = judgeHits([hit('a', 0.9), voted], t, 3);
    expect(outcome.type === 'answer' && outcome.hits.map((h) => h.id)).toEqual(['b', 'a']);
    // Too unsure a vote, or one for an article the question would not offer, settles nothing.
    expect(judgeHits([hit('a', 0.9), { ...voted, vote: 0.45 }], t, 3).type).toBe('clarify');
    expect(judgeHits([hit('a', 0.9), hit('b', 0.88), { ...hit('c', 0.1), vote: 0.9 }], t, 3).type).toBe(
      'clarify',
    );
  });

  it('turns a confident answer into a question when the classifier strongly prefers another top hit', () => {
    const outcome = judgeHits([hit('a', 0.95), { ...hit('b', 0.2), vote: 0.7 }], t, 3);
    expect(outcome.type === 'clarify' && outcome.articles.map((a) => a.id)).toEqual(['a', 'b']);
    // A weaker vote leaves the answer alone, as does a vote for the answer itself.
    expect(judgeHits([hit('a', 0.95), { ...hit('b', 0.2), vote: 0.55 }], t, 3).type).toBe('answer');
    expect(judgeHits([{ ...hit('a', 0.95), vote: 0.9 }, hit('b', 0.2)], t, 3).type).toBe('answer');
  });

  it('asks which one when the runner-up is a near tie above the answer threshold', () => {
    expect(judgeHits([hit('a', 0.9), hit('b', 0.88)], t, 3).type).toBe('clarify');
    expect(judgeHits([hit('a', 0.99), hit('b', 0.96)], t, 3).type).toBe('answer');
    expect(judgeHits([hit('a', 0.9), hit('b', 0.3)], t, 3).type).toBe('answer');
  });
});

describe('isCancelCommand and looksLikeQuestion', () => {
  it.each([
    'cancel',
    'Stop!',
    'start over',
    'never mind',
    'ok cancel it',
    'cancelar',
    'abbrechen',
    'annuler',
    'esquece',
  ])('takes "%s" as the cancel command', (text) => {
    expect(isCancelCommand(text)).toBe(true);
  });

  it.each(['cancel my order', 'stop sending me emails', 'how do I cancel my plan?', 'A12345'])(
    'does not take "%s" as the command',
    (text) => {
      expect(isCancelCommand(text)).toBe(false);
    },
  );

  it('tells a question from an answer to a flow prompt', () => {
    expect(looksLikeQuestion('actually how do I reset my password')).toBe(true);
    expect(looksLikeQuestion('do you ship to Canada?')).toBe(true);
    expect(looksLikeQuestion('it is B77821')).toBe(false);
    expect(looksLikeQuestion('A12345')).toBe(false);
  });
});

describe('matchTypedChoice', () => {
  const offered = [
    { id: 'x', label: 'Talk to a person' },
    { id: 'y', label: 'No thanks' },
  ];
  it('maps numbers and labels to the offered choices', () => {
    expect(matchTypedChoice('2', offered)).toBe('y');
    expect(matchTypedChoice('1.', offered)).toBe('x');
    expect(matchTypedChoice('no thanks', offered)).toBe('y');
    expect(matchTypedChoice('3', offered)).toBeUndefined();
    expect(matchTypedChoice('hello', offered)).toBeUndefined();
    expect(matchTypedChoice('1', [])).toBeUndefined();
  });
});

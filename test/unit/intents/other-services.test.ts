import { describe, expect, it } from 'vitest';
import { mentionedService, withOtherServices } from '../../../src/intents/other-services.ts';
import type { IntentResult } from '../../../src/model/understanding.ts';
import type { IntentClassifier } from '../../../src/ports/intent-classifier.ts';

const SERVICES = ['amazon', 'netflix', 'best buy', 'disney+'];

describe('mentionedService', () => {
  it('finds a listed service as whole words, in any case and with punctuation or a possessive', () => {
    expect(mentionedService('how do i return something to Amazon?', SERVICES)).toBe('amazon');
    expect(mentionedService("cancel netflix's free trial", SERVICES)).toBe('netflix');
    expect(mentionedService('bought it at best-buy', SERVICES)).toBe('best buy');
    expect(mentionedService('my Disney+ keeps charging me', SERVICES)).toBe('disney+');
  });

  it('ignores the name inside another word and texts that name none', () => {
    expect(mentionedService('amazonian parrots delivered?', SERVICES)).toBeUndefined();
    expect(mentionedService('bestbuyer discount', SERVICES)).toBeUndefined();
    expect(mentionedService('how do i cancel my subscription', SERVICES)).toBeUndefined();
  });
});

describe('withOtherServices', () => {
  const inner: IntentClassifier = {
    classify: async (): Promise<IntentResult> => ({
      intent: 'cancel_subscription',
      confidence: 0.9,
      signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: true, language: 'en' },
      source: 'local',
    }),
  };
  const classifier = withOtherServices(inner, SERVICES);

  it('turns a message about another service out of scope and keeps the other signals', async () => {
    const result = await classifier.classify({ text: 'cancel my netflix, get me a person' });
    expect(result).toMatchObject({ intent: null, confidence: 1, source: 'local' });
    expect(result.signals).toMatchObject({ otherService: 'netflix', humanRequested: true });
  });

  it('passes every other message through as classified', async () => {
    expect(await classifier.classify({ text: 'cancel my plus plan' })).toMatchObject({
      intent: 'cancel_subscription',
      confidence: 0.9,
    });
  });
});

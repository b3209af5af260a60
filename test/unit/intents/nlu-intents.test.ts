import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntentsFile } from '../../../src/intents/intents-file.ts';
import { createLocalIntentClassifier } from '../../../src/intents/local/local-intent-classifier.ts';

const file = loadIntentsFile(resolve(import.meta.dirname, '../../../nlu/intents.yml'));

describe('nlu/intents.yml', () => {
  it('declares the intents the bot relies on, each with 25-70 examples', () => {
    const names = file.intents.map((i) => i.name);
    for (const required of [
      'order_status',
      'shipping_info',
      'return_request',
      'refund_status',
      'billing_issue',
      'plans_pricing',
      'cancel_subscription',
      'password_reset',
      'two_factor_auth',
      'account_deletion',
      'update_account',
      'api_errors',
      'talk_to_human',
      'greeting',
      'thanks',
      'goodbye',
      'complaint',
    ]) {
      expect(names).toContain(required);
    }
    for (const intent of file.intents) {
      expect(intent.examples.length, intent.name).toBeGreaterThanOrEqual(25);
      expect(intent.examples.length, intent.name).toBeLessThanOrEqual(70);
    }
    expect(file.oosExamples.length).toBeGreaterThanOrEqual(30);
  });

  describe('trained local classifier', () => {
    const classifier = createLocalIntentClassifier({
      examples: file.examples,
      oosExamples: file.oosExamples,
    });

    it.each([
      ['how do I reset my password?', 'password_reset'],
      ['I was charged twice this month', 'billing_issue'],
      ['where is my order?', 'order_status'],
      ['how much does the Pro plan cost?', 'plans_pricing'],
      ['please cancel my plus membership', 'cancel_subscription'],
      ['the API returns 401 unauthorized', 'api_errors'],
      ['hello there', 'greeting'],
    ])('"%s" → %s', (text, intent) => {
      expect(classifier.predict(text).intent).toBe(intent);
    });

    it('routes an explicit request for a person to talk_to_human with humanRequested', () => {
      const result = classifier.predict('I want to talk to a person');
      expect(result.intent).toBe('talk_to_human');
      expect(result.signals.humanRequested).toBe(true);
    });

    it.each([
      "what's the weather in Paris tomorrow",
      'who won the basketball game yesterday',
      'give me a recipe for banana bread',
    ])('"%s" is out of scope', (text) => {
      expect(classifier.predict(text).intent).toBeNull();
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createLocalIntentClassifier } from '../../../src/intents/local/local-intent-classifier.ts';

/** A tiny synthetic support domain: a few templates per intent, expanded with fillers. */
function syntheticExamples(): { text: string; label: string }[] {
  const intents: Record<string, string[]> = {
    track_order: [
      'where is my order',
      'track my package',
      'my parcel has not arrived',
      'when will my order be delivered',
      'order status please',
      'has my package shipped',
      'my delivery is late',
      'tracking number for my order',
    ],
    refund: [
      'I want my money back',
      'where is my refund',
      'refund my purchase',
      'how long does a refund take',
      'I have not received my refund',
      'please refund me',
      'refund status',
      'money back for my return',
    ],
    reset_password: [
      'I forgot my password',
      'reset my password',
      'cannot log in password wrong',
      'password reset link',
      'change my password',
      'locked out of my account password',
      'new password please',
      'my password does not work',
    ],
    talk_to_human: [
      'talk to a person',
      'I want a human',
      'speak to an agent',
      'connect me to a representative',
      'real person please',
      'let me talk to someone',
      'human agent',
      'customer service person',
    ],
  };
  const fillers = ['', 'hi ', 'hello, ', 'please ', 'quick question: '];
  return Object.entries(intents).flatMap(([label, texts]) =>
    texts.flatMap((text, i) => [
      { text: `${fillers[i % fillers.length]}${text}`, label },
      { text: `${text}?`, label },
    ]),
  );
}

const oosExamples = [
  'what is the weather tomorrow',
  'tell me a joke',
  'who won the football match',
  'recipe for chocolate cake',
  'what is the capital of spain',
  'play some music',
  'how tall is mount everest',
  'recommend a movie',
  'will it rain this weekend',
  'how do I cook rice',
];

describe('LocalIntentClassifier', () => {
  const classifier = createLocalIntentClassifier({ examples: syntheticExamples(), oosExamples, seed: 7 });

  it('classifies paraphrases it has not seen', async () => {
    expect((await classifier.classify({ text: 'where is my parcel?' })).intent).toBe('track_order');
    expect((await classifier.classify({ text: 'I would like a refund for my purchase' })).intent).toBe(
      'refund',
    );
    expect((await classifier.classify({ text: 'forgot my pasword' })).intent).toBe('reset_password');
  });

  it('returns null for clearly unrelated text', () => {
    expect(classifier.predict("what's the weather going to be like on friday").intent).toBeNull();
    expect(classifier.predict('tell me a funny joke about cats').intent).toBeNull();
  });

  it('fills source, confidence, three alternatives and signals', () => {
    const result = classifier.predict('where is my order');
    expect(result.source).toBe('local');
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.alternatives).toHaveLength(3);
    expect(result.alternatives?.map((a) => a.intent)).not.toContain('track_order');
    expect(result.alternatives?.map((a) => a.intent)).not.toContain('oos');
    expect(result.signals).toEqual({
      sentiment: 'neutral',
      urgency: 'normal',
      humanRequested: false,
      language: 'en',
      complaint: false,
    });
  });

  it('prefers the human-handoff intent when the customer explicitly asks for a person', () => {
    const result = classifier.predict('my refund is missing and I want to speak to a real human');
    expect(result.signals.humanRequested).toBe(true);
    expect(result.intent).toBe('talk_to_human');
  });

  it('treats empty input as out of scope instead of throwing', () => {
    expect(classifier.predict('   ').intent).toBeNull();
  });

  it('lists its intents without the out-of-scope label', () => {
    expect([...classifier.intents]).toEqual(['refund', 'reset_password', 'talk_to_human', 'track_order']);
  });

  it('is deterministic for the same seed', () => {
    const again = createLocalIntentClassifier({ examples: syntheticExamples(), oosExamples, seed: 7 });
    const texts = ['where is my order', 'refund please', 'blue whales are big', 'password'];
    for (const text of texts) expect(again.predict(text)).toEqual(classifier.predict(text));
    expect(again.threshold).toBe(classifier.threshold);
  });

  it('differs (slightly) with another seed but still classifies', () => {
    const other = createLocalIntentClassifier({ examples: syntheticExamples(), oosExamples, seed: 8 });
    expect(other.predict('where is my order').intent).toBe('track_order');
    expect(other.predict('where is my order').confidence).not.toBe(
      classifier.predict('where is my order').confidence,
    );
  });

  it('treats rows labelled with the oos label as out-of-scope examples', () => {
    const examples = [...syntheticExamples(), ...oosExamples.map((text) => ({ text, label: 'none' }))];
    const withLabel = createLocalIntentClassifier({ examples, oosLabel: 'none', seed: 7 });
    expect(withLabel.intents).not.toContain('none');
    expect(withLabel.predict('will it rain tomorrow').intent).toBeNull();
  });

  it('uses a fixed threshold when given and skips calibration', () => {
    const strict = createLocalIntentClassifier({
      examples: syntheticExamples(),
      oosThreshold: 0.99,
      seed: 7,
    });
    expect(strict.calibration).toBeNull();
    expect(strict.predict('hello, where is my parcel and also my refund').intent).toBeNull();
  });

  it('refuses to train on fewer than two labels', () => {
    expect(() => createLocalIntentClassifier({ examples: [{ text: 'hi', label: 'greeting' }] })).toThrow(
      /two labels/,
    );
  });
});

describe('createLocalIntentClassifier with very little data', () => {
  it('still trains when calibration folds cannot be fitted', () => {
    const classifier = createLocalIntentClassifier({
      examples: [
        { text: 'where is my order', label: 'order_status' },
        { text: 'hello', label: 'greeting' },
      ],
      oosExamples: ['tell me a joke'],
    });
    expect(classifier.predict('where is my order please').intent).toBe('order_status');
  });
});

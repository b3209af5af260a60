import { describe, expect, it } from 'vitest';
import { afterGreeting, classifyAfterGreeting } from '../../../src/intents/greeting-prefix.ts';
import type { IntentResult } from '../../../src/model/understanding.ts';
import type { IntentClassifier } from '../../../src/ports/intent-classifier.ts';

describe('afterGreeting', () => {
  it('returns what follows a hello in the languages the bot greets in', () => {
    expect(afterGreeting('hola, ¿hacéis envíos a México?')).toBe('¿hacéis envíos a México?');
    expect(afterGreeting('hola ¿hacéis envíos a México?')).toBe('¿hacéis envíos a México?');
    expect(afterGreeting('Hi there! my parcel is lost')).toBe('my parcel is lost');
    expect(afterGreeting('Guten Tag, wo ist mein Paket?')).toBe('wo ist mein Paket?');
    expect(afterGreeting('bom dia - esqueci minha senha')).toBe('esqueci minha senha');
  });

  it('leaves a bare hello, a hello without a separator and words that only start like one', () => {
    expect(afterGreeting('hello there!')).toBeUndefined();
    expect(afterGreeting('hola')).toBeUndefined();
    expect(afterGreeting('hi how do I return this')).toBeUndefined();
    expect(afterGreeting('history of my orders, please')).toBeUndefined();
    expect(afterGreeting('oil, is it flammable?')).toBeUndefined();
  });
});

describe('classifyAfterGreeting', () => {
  // Echoes its input so the test sees which text was classified.
  const echo: IntentClassifier = {
    classify: async ({ text }): Promise<IntentResult> => ({
      intent: text,
      confidence: 0.9,
      signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: `of:${text}` },
      source: 'echo',
    }),
  };
  const classifier = classifyAfterGreeting(echo);

  it('classifies the question after the hello, with the signals of the whole message', async () => {
    const result = await classifier.classify({ text: 'hola, ¿dónde está mi pedido?' });
    expect(result.intent).toBe('¿dónde está mi pedido?');
    expect(result.signals.language).toBe('of:hola, ¿dónde está mi pedido?');
  });

  it('classifies any other message as it is', async () => {
    expect((await classifier.classify({ text: 'hello!' })).intent).toBe('hello!');
  });
});

import type { IntentResult } from '../model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../ports/intent-classifier.ts';

/**
 * Customers ask a shop's bot about other companies' services too ("how do I cancel my netflix",
 * "return something to amazon"). Their words match the shop's own articles (cancel, return), so
 * retrieval alone would answer them confidently and wrongly. A list of such names in the intents
 * file (`other_services`, owned by support leads) marks them off-topic instead.
 */

/** Lower-case, apostrophes unified, every run of non-letters/digits one space, padded. */
function padded(text: string): string {
  const plain = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019`´]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}+]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

/** Pure: the first listed service the text names as whole words ("Disney+" and "disney +" alike), if any. */
export function mentionedService(text: string, services: readonly string[]): string | undefined {
  const haystack = padded(text);
  return services.find((name) => {
    const needle = padded(name);
    return needle.trim() !== '' && haystack.includes(needle);
  });
}

/**
 * Wraps a classifier: a message naming another service comes back out of scope (intent null,
 * full confidence), with `signals.otherService` set and every other signal kept, so "get me a
 * person about my amazon order" still reaches a person.
 */
export function withOtherServices(
  classifier: IntentClassifier,
  services: readonly string[],
): IntentClassifier {
  if (services.length === 0) return classifier;
  return {
    async classify(input: ClassifyInput): Promise<IntentResult> {
      const result = await classifier.classify(input);
      const service = mentionedService(input.text, services);
      if (service === undefined) return result;
      return {
        ...result,
        intent: null,
        confidence: 1,
        signals: { ...result.signals, otherService: service },
      };
    },
  };
}

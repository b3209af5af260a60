import type { IntentResult } from '../model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../ports/intent-classifier.ts';

/**
 * "hola, ¿hacéis envíos a México?" is a question, not a greeting: customers often open with a hello
 * in the same message. A classifier trained on short greetings sees the hello first (more so in the
 * languages it has few questions in), so the question would get only a greeting back. Classifying
 * what follows the hello fixes that; a bare hello is left alone.
 */
const GREETING_PREFIX = new RegExp(
  [
    '^\\s*(?:',
    // en
    'hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)',
    // es
    '|hola|buenas|buenos d[ií]as|buenas (?:tardes|noches)',
    // de
    '|hallo|moin|servus|guten (?:morgen|tag|abend)',
    // fr
    '|bonjour|bonsoir|salut|coucou',
    // pt
    '|ol[aá]|oi|bom dia|boa (?:tarde|noite)',
    ')(?:\\s+(?:there|team|all|everyone|guys|folks|brightcart|equipo|zusammen|[àa] tous|pessoal))?',
    '(?:\\s*[,!.:;\\-–—]+\\s*|\\s+(?=[¿¡]))',
  ].join(''),
  'iu',
);

/** Pure: the message after a leading hello ("hi, my parcel is lost" → "my parcel is lost"), if any is left. */
export function afterGreeting(text: string): string | undefined {
  const match = GREETING_PREFIX.exec(text);
  if (!match) return undefined;
  const rest = text.slice(match[0].length).trim();
  return /[\p{L}\p{N}]/u.test(rest) ? rest : undefined;
}

/**
 * Wraps a classifier: a message that opens with a hello is classified on what follows it. The
 * signals (language, sentiment, a request for a person) still come from the whole message.
 */
export function classifyAfterGreeting(classifier: IntentClassifier): IntentClassifier {
  return {
    async classify(input: ClassifyInput): Promise<IntentResult> {
      const rest = afterGreeting(input.text);
      if (rest === undefined) return classifier.classify(input);
      const [whole, body] = await Promise.all([
        classifier.classify(input),
        classifier.classify({ ...input, text: rest }),
      ]);
      return { ...body, signals: whole.signals };
    },
  };
}

import type { IntentResult, KbAnswer, KbHit } from '../../src/model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../../src/ports/intent-classifier.ts';
import type {
  AnswerGenerator,
  AnswerInput,
  KnowledgeRetriever,
} from '../../src/ports/knowledge-retriever.ts';

const NEUTRAL = { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'en' } as const;

/**
 * A keyword classifier for engine tests: deterministic and readable, so engine
 * tests exercise routing without depending on the trained model.
 */
export class KeywordClassifier implements IntentClassifier {
  readonly #rules: readonly [RegExp, string][];
  constructor(rules: readonly [RegExp, string][] = DEFAULT_RULES) {
    this.#rules = rules;
  }
  async classify(input: ClassifyInput): Promise<IntentResult> {
    const humanRequested = /\b(person|human|agent)\b/i.test(input.text);
    for (const [pattern, intent] of this.#rules) {
      if (pattern.test(input.text)) {
        return { intent, confidence: 0.9, signals: { ...NEUTRAL, humanRequested }, source: 'keyword' };
      }
    }
    return { intent: null, confidence: 0.2, signals: { ...NEUTRAL, humanRequested }, source: 'keyword' };
  }
}

const DEFAULT_RULES: readonly [RegExp, string][] = [
  [/\b(hi|hello)\b/i, 'greeting'],
  [/\b(person|human|agent)\b/i, 'talk_to_human'],
  [/password/i, 'password_reset'],
  [/order/i, 'order_status'],
];

export interface FakeArticle {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** Scores articles by the share of query words they contain. */
export class WordOverlapRetriever implements KnowledgeRetriever {
  readonly #articles: readonly FakeArticle[];
  constructor(articles: readonly FakeArticle[]) {
    this.#articles = articles;
  }
  async search(query: string): Promise<readonly KbHit[]> {
    const words = query.toLowerCase().match(/[a-z]{4,}/g) ?? [];
    return this.#articles
      .map((a) => {
        const haystack = `${a.id} ${a.title} ${a.text}`.toLowerCase();
        const score =
          words.length === 0 ? 0 : words.filter((w) => haystack.includes(w)).length / words.length;
        return { id: a.id, chunkId: `${a.id}#0`, title: a.title, text: a.text, score };
      })
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score);
  }
  async article(id: string): Promise<readonly KbHit[]> {
    return this.#articles
      .filter((a) => a.id === id)
      .map((a) => ({ id: a.id, chunkId: `${a.id}#0`, title: a.title, text: a.text, score: 1 }));
  }
}

/** Answers with the best hit's text. */
export class FirstHitAnswerer implements AnswerGenerator {
  async answer(input: AnswerInput): Promise<KbAnswer> {
    const best = input.hits[0];
    if (!best) return { text: 'I don’t know.', citations: [], grounded: false, source: 'fake' };
    return {
      text: best.text,
      citations: [{ id: best.id, title: best.title }],
      grounded: true,
      source: 'fake',
    };
  }
}

export const SAMPLE_ARTICLES: readonly FakeArticle[] = [
  {
    id: 'reset-password',
    title: 'Reset your password',
    text: 'Use the Forgot password link on the sign-in page to reset your password.',
  },
  {
    id: 'double-charge',
    title: 'Charged twice',
    text: 'A duplicate charge is usually a pending authorisation that disappears in 3-5 days.',
  },
];

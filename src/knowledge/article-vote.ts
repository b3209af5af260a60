import {
  type LocalIntentClassifier,
  createLocalIntentClassifier,
} from '../intents/local/local-intent-classifier.ts';
import type { KbHit } from '../model/understanding.ts';
import type { ArticleDocument } from './kb-loader.ts';

/**
 * An article classifier: the local intent model (the one `nlu/intents.yml` trains), trained here with
 * one class per article on its title and customer phrasings (front matter `questions`). Retrieval
 * scores how well the words match; the classifier learns which way of asking belongs to which
 * article, including the small words retrieval drops ("how do I" against "can I"). On realistic
 * messages it ranks the right article first more often than retrieval does, so its vote settles near
 * ties and flags confident answers it disagrees with (see `judgeHits` in `src/engine/router.ts`).
 */
export class ArticleVoter {
  private readonly model: LocalIntentClassifier;

  private constructor(model: LocalIntentClassifier) {
    this.model = model;
  }

  /** Null when fewer than two articles have phrasings: nothing to tell apart. */
  static train(articles: readonly ArticleDocument[]): ArticleVoter | null {
    const withQuestions = articles.filter((a) => a.metadata.questions.length > 0);
    if (withQuestions.length < 2) return null;
    const examples = withQuestions.flatMap((a) =>
      [a.metadata.title, ...a.metadata.questions].map((text) => ({ text, label: a.metadata.id })),
    );
    // No out-of-scope class: deciding "none of these" is the retrieval thresholds' job.
    return new ArticleVoter(createLocalIntentClassifier({ examples, oosThreshold: 0 }));
  }

  /** The article the classifier ranks first for `text`, and its probability. */
  vote(text: string): { readonly id: string; readonly probability: number } | null {
    const result = this.model.predict(text);
    return result.intent === null ? null : { id: result.intent, probability: result.confidence };
  }
}

/** Pure: `hits` with the vote set on the hit of the voted article (unchanged when it is not among them). */
export function withVote(
  hits: readonly KbHit[],
  vote: { readonly id: string; readonly probability: number } | null,
): KbHit[] {
  return hits.map((h) => (vote !== null && h.id === vote.id ? { ...h, vote: vote.probability } : h));
}

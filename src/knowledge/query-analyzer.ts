import { STOPWORDS, canonical, contentTokens, rawTokens, rewritePhrases, stem } from './text-analysis.ts';

/** A query as the indexes see it. */
export interface AnalyzedQuery {
  /** Stemmed, synonym-folded terms after compound joining and spelling correction. */
  readonly terms: readonly string[];
  /** Weight per term (corrected spellings count a little less: the correction may be wrong). */
  readonly weights: readonly number[];
  /** The query text with corrections applied, for the embedding side. */
  readonly text: string;
}

const MIN_CORRECTABLE = 5;
const MAX_CORRECTABLE = 24;
/** Spelling corrections are guesses; they weigh this much of a typed term. */
const CORRECTION_WEIGHT = 0.8;

/**
 * Query-side normalisation that needs the corpus vocabulary: joins split compounds the corpus
 * writes as one word ("back up" → "backup", "git hub" → "github") and corrects typos against
 * corpus words ("stikethrough" → "strikethrough") using a symmetric-delete index, which finds
 * edit-distance-1 neighbours with hash lookups instead of scanning the vocabulary per query.
 */
export class QueryAnalyzer {
  private readonly knownStems: ReadonlySet<string>;
  private readonly wordFrequency = new Map<string, number>();
  private readonly deletes = new Map<string, string[]>();

  /** @param corpus every searchable text (titles, headings, bodies). */
  constructor(corpus: Iterable<string>, knownStems: ReadonlySet<string>) {
    this.knownStems = knownStems;
    for (const text of corpus) {
      for (const token of contentTokens(rewritePhrases(text))) {
        if (token.length < MIN_CORRECTABLE - 1 || token.length > MAX_CORRECTABLE || !/^[a-z]+$/.test(token))
          continue;
        this.wordFrequency.set(token, (this.wordFrequency.get(token) ?? 0) + 1);
      }
    }
    for (const word of this.wordFrequency.keys()) {
      for (const variant of deletions(word)) {
        const list = this.deletes.get(variant);
        if (list) list.push(word);
        else this.deletes.set(variant, [word]);
      }
    }
  }

  /** Analyses `query` into index terms. */
  analyze(query: string): AnalyzedQuery {
    const tokens = rawTokens(rewritePhrases(query));
    const terms: string[] = [];
    const weights: number[] = [];
    const textParts: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      const next = tokens[i + 1];
      if (next !== undefined) {
        const joined = canonical(stem(token + next));
        // Only when a part is unknown or a stopword ("back up", "git hub"): two known words stay two words.
        const partUnknown = !this.isKnownToken(token) || !this.isKnownToken(next);
        if (partUnknown && this.knownStems.has(joined) && (token + next).length >= 5) {
          terms.push(joined);
          weights.push(1);
          textParts.push(token + next);
          i++;
          continue;
        }
      }
      if (STOPWORDS.has(token) || (token.length < 2 && !/\d/.test(token))) {
        textParts.push(token);
        continue;
      }
      const stemmed = canonical(stem(token));
      if (this.knownStems.has(stemmed)) {
        terms.push(stemmed);
        weights.push(1);
        textParts.push(token);
        continue;
      }
      const corrected = this.correct(token);
      if (corrected !== undefined) {
        terms.push(canonical(stem(corrected)));
        weights.push(CORRECTION_WEIGHT);
        textParts.push(corrected);
      } else {
        // Unknown words stay: they are evidence the query is about something the KB lacks.
        terms.push(stemmed);
        weights.push(1);
        textParts.push(token);
      }
    }
    return { terms, weights, text: textParts.join(' ') };
  }

  private isKnownToken(token: string): boolean {
    if (STOPWORDS.has(token)) return false;
    return this.knownStems.has(canonical(stem(token)));
  }

  /** Most frequent corpus word within one insertion, deletion, substitution or transposition. */
  private correct(token: string): string | undefined {
    if (token.length < MIN_CORRECTABLE || token.length > MAX_CORRECTABLE || !/^[a-z]+$/.test(token))
      return undefined;
    if (this.wordFrequency.has(token)) return undefined;
    const candidates = new Set<string>();
    for (const word of this.deletes.get(token) ?? []) candidates.add(word);
    for (const variant of deletions(token)) {
      if (this.wordFrequency.has(variant)) candidates.add(variant);
      for (const word of this.deletes.get(variant) ?? []) candidates.add(word);
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const word of candidates) {
      if (!withinOneEdit(token, word)) continue;
      const count = this.wordFrequency.get(word) ?? 0;
      if (count > bestCount || (count === bestCount && best !== undefined && word < best)) {
        best = word;
        bestCount = count;
      }
    }
    return best;
  }
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal-string-alignment distance <= 1 (adjacent transposition counts as one edit). */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

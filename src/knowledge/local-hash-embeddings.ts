import { Embeddings, type EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  canonical,
  contentTokens,
  fnvFinish,
  fnvStart,
  fnvStep,
  hash32,
  rewritePhrases,
  stem,
} from './text-analysis.ts';

/** Tuning knobs of {@link LocalHashEmbeddings}; the defaults were tuned on StackFAQ dev queries. */
export interface LocalHashEmbeddingsOptions {
  /** Vector length; char n-grams collide noticeably below 1,024. */
  readonly dimension?: number;
  /** Smallest and largest character n-gram taken from each word (with `#` word boundaries). */
  readonly charNgramMin?: number;
  readonly charNgramMax?: number;
  /** Relative weight of the three feature families before the final L2 normalisation. */
  readonly wordWeight?: number;
  readonly bigramWeight?: number;
  readonly charWeight?: number;
}

interface ResolvedOptions {
  readonly dimension: number;
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  readonly wordWeight: number;
  readonly bigramWeight: number;
  readonly charWeight: number;
}

const FAMILY_WORD = 0x57;
const FAMILY_BIGRAM = 0x42;
const FAMILY_CHAR = 0x43;
/** Document-frequency table size: far finer than the vector so IDF barely suffers from collisions. */
const DF_BITS = 20;
const DF_MASK = (1 << DF_BITS) - 1;

/**
 * Feature hashes of one family of one text. Counting by sorting a typed array and reading runs
 * is several times faster than a `Map` per text, and indexing is dominated by this counting.
 */
class HashBag {
  private data = new Uint32Array(1024);
  private length = 0;

  clear(): void {
    this.length = 0;
  }

  push(hash: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = hash;
  }

  /** Calls `visit(hash, count)` once per distinct hash. */
  forEachCount(visit: (hash: number, count: number) => void): void {
    const view = this.data.subarray(0, this.length).sort();
    let i = 0;
    while (i < view.length) {
      const hash = view[i] as number;
      let j = i + 1;
      while (j < view.length && view[j] === hash) j++;
      visit(hash, j - i);
      i = j;
    }
  }

  get size(): number {
    return this.length;
  }
}

/**
 * Feature-hashing embeddings that run locally with no model download: stemmed words, word
 * bigrams and character n-grams (typo and morphology robustness) are hashed into a dense
 * `Float32Array` with sublinear term frequency; each family is normalised and weighted, then the
 * whole vector is L2-normalised, so the dot product is a cosine.
 *
 * Why IDF only on the query side: document vectors then depend on nothing but their own text,
 * so they can be cached by content hash and one edited article never invalidates the others;
 * the query is multiplied by corpus IDF (see {@link LocalHashEmbeddings.fit}), which weighs a
 * rare matching word above common ones the way BM25 weighs each query term once. On StackFAQ dev
 * this asymmetric form ranked as well as IDF on both sides.
 */
export class LocalHashEmbeddings extends Embeddings {
  /** Identifies the feature recipe; part of the index cache key so a recipe change re-embeds. */
  readonly modelId: string;
  readonly dimension: number;
  private readonly options: ResolvedOptions;
  private documentFrequency = new Uint32Array(0);
  private documentCount = 0;
  /** Scratch reused by every call; embedding is synchronous, so calls never overlap. */
  private readonly bags: readonly [HashBag, HashBag, HashBag] = [new HashBag(), new HashBag(), new HashBag()];
  private readonly familyWeights: readonly number[];

  constructor(options: LocalHashEmbeddingsOptions = {}) {
    super({});
    this.options = {
      dimension: options.dimension ?? 1024,
      charNgramMin: options.charNgramMin ?? 3,
      charNgramMax: options.charNgramMax ?? 5,
      wordWeight: options.wordWeight ?? 1,
      bigramWeight: options.bigramWeight ?? 0.35,
      charWeight: options.charWeight ?? 0.8,
    };
    const o = this.options;
    this.familyWeights = [o.wordWeight, o.bigramWeight, o.charWeight];
    this.dimension = o.dimension;
    this.modelId = `local-hash-v2:d${o.dimension}:c${o.charNgramMin}-${o.charNgramMax}:w${o.wordWeight}:b${o.bigramWeight}:g${o.charWeight}`;
  }

  /**
   * Learns document frequencies of the features in `texts` so queries are weighted by IDF.
   * Separate from embedding on purpose: it changes query vectors only, never document vectors.
   */
  fit(texts: Iterable<string>): void {
    const df = new Uint32Array(1 << DF_BITS);
    let count = 0;
    const increment = (hash: number): void => {
      const slot = hash & DF_MASK;
      df[slot] = (df[slot] as number) + 1;
    };
    for (const text of texts) {
      count++;
      this.extract(text);
      for (const bag of this.bags) bag.forEachCount(increment);
    }
    this.documentFrequency = df;
    this.documentCount = count;
  }

  /** True once {@link fit} has seen a corpus. */
  get fitted(): boolean {
    return this.documentCount > 0;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((text) => Array.from(this.embedDocumentSync(text)));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embedQuerySync(document));
  }

  /** Synchronous document embedding (no IDF) for hot loops and the index builder. */
  embedDocumentSync(text: string): Float32Array {
    return this.embed(text, false);
  }

  /** Synchronous query embedding (with corpus IDF once fitted); skips promise overhead per search. */
  embedQuerySync(text: string): Float32Array {
    return this.embed(text, this.documentCount > 0);
  }

  private embed(text: string, useIdf: boolean): Float32Array {
    const dim = this.options.dimension;
    const out = new Float32Array(dim);
    const scratch = new Float32Array(dim);
    const n = this.documentCount;
    const df = this.documentFrequency;
    const add = (hash: number, tf: number): void => {
      const idf = useIdf ? Math.log(1 + (n + 1) / ((df[hash & DF_MASK] ?? 0) + 1)) : 1;
      const value = (1 + Math.log(tf)) * idf;
      const slot = hash % dim;
      // Signed hashing: colliding features cancel on average instead of piling up.
      scratch[slot] = (scratch[slot] as number) + (hash & 0x80000000 ? -value : value);
    };
    this.extract(text);
    for (const [family, bag] of this.bags.entries()) {
      const weight = this.familyWeights[family] ?? 0;
      if (weight === 0 || bag.size === 0) continue;
      scratch.fill(0);
      bag.forEachCount(add);
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += (scratch[i] as number) ** 2;
      if (norm === 0) continue;
      const scale = weight / Math.sqrt(norm);
      for (let i = 0; i < dim; i++) out[i] = (out[i] as number) + (scratch[i] as number) * scale;
    }
    let total = 0;
    for (let i = 0; i < dim; i++) total += (out[i] as number) ** 2;
    if (total > 0) {
      const inv = 1 / Math.sqrt(total);
      for (let i = 0; i < dim; i++) out[i] = (out[i] as number) * inv;
    }
    return out;
  }

  /** Fills {@link bags} (words, bigrams, char n-grams) straight from char codes: no n-gram substrings. */
  private extract(text: string): void {
    const o = this.options;
    const [words, bigrams, chars] = this.bags;
    words.clear();
    bigrams.clear();
    chars.clear();
    let previous: string | undefined;
    for (const token of contentTokens(rewritePhrases(text))) {
      const stemmed = canonical(stem(token));
      words.push(hash32(stemmed, FAMILY_WORD));
      if (previous !== undefined) bigrams.push(hash32(`${previous} ${stemmed}`, FAMILY_BIGRAM));
      previous = stemmed;
      if (o.charWeight === 0) continue;
      const length = token.length + 2;
      for (let start = 0; start + o.charNgramMin <= length; start++) {
        let state = fnvStart(FAMILY_CHAR);
        const end = Math.min(length, start + o.charNgramMax);
        for (let i = start; i < end; i++) {
          // Position 0 and length-1 are the '#' word-boundary markers.
          state = fnvStep(state, i === 0 || i === length - 1 ? 35 : token.charCodeAt(i - 1));
          if (i - start + 1 >= o.charNgramMin) chars.push(fnvFinish(state));
        }
      }
    }
  }
}

/**
 * Embeds documents as `Float32Array`s, skipping the `number[]` round trip of the LangChain
 * interface for {@link LocalHashEmbeddings} (a third of local indexing time at 10,000 chunks).
 */
export async function embedDocumentsAsFloat32(
  embeddings: EmbeddingsInterface,
  texts: readonly string[],
): Promise<Float32Array[]> {
  if (embeddings instanceof LocalHashEmbeddings)
    return texts.map((text) => embeddings.embedDocumentSync(text));
  return (await embeddings.embedDocuments([...texts])).map((vector) => Float32Array.from(vector));
}

import { Embeddings } from '@langchain/core/embeddings';
import { contentTokens, hash32, stem } from './text-analysis.ts';

/** Tuning knobs of {@link LocalHashEmbeddings}; the defaults were tuned on StackFAQ dev queries. */
export interface LocalHashEmbeddingsOptions {
  /** Vector length; collisions grow below ~1024 for char n-grams. */
  readonly dimension?: number;
  /** Smallest and largest character n-gram taken from each word (with `#` word boundaries). */
  readonly charNgramMin?: number;
  readonly charNgramMax?: number;
  /** Relative weight of the three feature families before the final L2 normalisation. */
  readonly wordWeight?: number;
  readonly bigramWeight?: number;
  readonly charWeight?: number;
  /** Where corpus IDF is applied: only to queries (documents stay corpus-independent and cacheable) or both. */
  readonly idfOn?: 'query' | 'both' | 'none';
}

const FAMILY_WORD = 1;
const FAMILY_BIGRAM = 2;
const FAMILY_CHAR = 3;

interface ResolvedOptions {
  readonly dimension: number;
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  readonly wordWeight: number;
  readonly bigramWeight: number;
  readonly charWeight: number;
  readonly idfOn: 'query' | 'both' | 'none';
}

/**
 * Feature-hashing embeddings that run locally with no model download: stemmed words, word
 * bigrams and character n-grams (typo and morphology robustness) are hashed into a dense
 * vector with sublinear term frequency, each family normalised and weighted, then L2-normalised.
 *
 * Why asymmetric IDF: documents are embedded without corpus statistics so their vectors depend
 * only on their own text and can be cached by content hash; the query side multiplies by corpus
 * IDF (see {@link LocalHashEmbeddings.fit}), so a rare matching word outweighs common ones the
 * way BM25 weighs terms once, without re-embedding the corpus when one article changes.
 */
export class LocalHashEmbeddings extends Embeddings {
  /** Identifies the feature recipe; part of the index cache key so a recipe change re-embeds. */
  readonly modelId: string;
  readonly dimension: number;
  private readonly options: ResolvedOptions;
  private documentFrequency = new Map<string, number>();
  private documentCount = 0;

  constructor(options: LocalHashEmbeddingsOptions = {}) {
    super({});
    this.options = {
      dimension: options.dimension ?? 1024,
      charNgramMin: options.charNgramMin ?? 3,
      charNgramMax: options.charNgramMax ?? 5,
      wordWeight: options.wordWeight ?? 1,
      bigramWeight: options.bigramWeight ?? 0.35,
      charWeight: options.charWeight ?? 0.8,
      idfOn: options.idfOn ?? 'query',
    };
    this.dimension = this.options.dimension;
    const o = this.options;
    // IDF placement changes document vectors only when applied to documents.
    const docIdf = o.idfOn === 'both' ? '-idf' : '';
    this.modelId = `local-hash-v1:d${o.dimension}:c${o.charNgramMin}-${o.charNgramMax}:w${o.wordWeight}:b${o.bigramWeight}:g${o.charWeight}${docIdf}`;
  }

  /**
   * Learns document frequencies of every feature from the corpus so queries can weight by IDF.
   * Cheap (one pass of feature extraction) and deliberately separate from embedding.
   */
  fit(texts: readonly string[]): void {
    const df = new Map<string, number>();
    for (const text of texts) {
      const seen = new Set<string>();
      for (const family of extractFeatures(text, this.options)) {
        for (const key of family.counts.keys()) seen.add(`${family.seed}|${key}`);
      }
      for (const key of seen) df.set(key, (df.get(key) ?? 0) + 1);
    }
    this.documentFrequency = df;
    this.documentCount = texts.length;
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

  /** Synchronous document embedding for hot loops (benchmarks, bulk indexing). */
  embedDocumentSync(text: string): Float32Array {
    return this.embed(text, this.options.idfOn === 'both');
  }

  /** Synchronous query embedding; the retriever uses this to skip promise overhead per search. */
  embedQuerySync(text: string): Float32Array {
    return this.embed(text, this.options.idfOn !== 'none');
  }

  private idf(key: string): number {
    if (this.documentCount === 0) return 1;
    const df = this.documentFrequency.get(key) ?? 0;
    return Math.log(1 + (this.documentCount + 1) / (df + 1));
  }

  private embed(text: string, useIdf: boolean): Float32Array {
    const dim = this.options.dimension;
    const out = new Float32Array(dim);
    const families = extractFeatures(text, this.options);
    const scratch = new Float32Array(dim);
    for (const family of families) {
      if (family.weight === 0 || family.counts.size === 0) continue;
      scratch.fill(0);
      let norm = 0;
      for (const [key, tf] of family.counts) {
        const h = hash32(key, family.seed);
        const value = (1 + Math.log(tf)) * (useIdf ? this.idf(`${family.seed}|${key}`) : 1);
        // Signed hashing: colliding features cancel on average instead of piling up.
        const signed = h & 0x80000000 ? -value : value;
        const slot = h % dim;
        scratch[slot] = (scratch[slot] as number) + signed;
      }
      for (let i = 0; i < dim; i++) norm += (scratch[i] as number) ** 2;
      if (norm === 0) continue;
      const scale = family.weight / Math.sqrt(norm);
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
}

interface FeatureFamily {
  readonly seed: number;
  readonly weight: number;
  readonly counts: Map<string, number>;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function extractFeatures(text: string, o: ResolvedOptions): FeatureFamily[] {
  const tokens = contentTokens(text);
  const words = new Map<string, number>();
  const bigrams = new Map<string, number>();
  const chars = new Map<string, number>();
  let previous: string | undefined;
  for (const token of tokens) {
    const stemmed = stem(token);
    bump(words, stemmed);
    if (previous !== undefined) bump(bigrams, `${previous} ${stemmed}`);
    previous = stemmed;
    if (o.charWeight > 0) {
      const padded = `#${token}#`;
      for (let n = o.charNgramMin; n <= o.charNgramMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) bump(chars, padded.slice(i, i + n));
      }
    }
  }
  return [
    { seed: FAMILY_WORD, weight: o.wordWeight, counts: words },
    { seed: FAMILY_BIGRAM, weight: o.bigramWeight, counts: bigrams },
    { seed: FAMILY_CHAR, weight: o.charWeight, counts: chars },
  ];
}

/**
 * Sparse text features for the local intent classifier: hashed word uni/bi-grams
 * (on stems) and character n-grams (on the normalised surface text), weighted
 * with sublinear TF × IDF and L2-normalised.
 *
 * Word n-grams carry the meaning; character n-grams make the model robust to
 * typos ("pasword", "recieve") and unseen inflections, which support traffic
 * has plenty of. Hashing bounds memory without a vocabulary pass; the fitted
 * vectorizer then maps the buckets seen in training to a compact index so the
 * weight matrix only holds features that can ever be non-zero.
 */

import { NUMBER_TOKEN, normalizeText, splitWords, stemToken } from './tokenize.ts';

/** Settings for feature extraction; the defaults were chosen on validation splits carved from train. */
export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  readonly hashBits: number;
  /** Longest word n-gram (1 = unigrams only). */
  readonly wordNgramMax: number;
  /**
   * Ordered word pairs up to this many positions apart, beyond adjacent
   * bigrams (0 = none). Off by default: windows of 3 and 5 made no difference
   * on BANKING77 validation and cost time.
   */
  readonly skipGramWindow: number;
  /** Shortest and longest character n-gram. */
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  /** Relative weight of the word block and the character block before the final L2 norm. */
  readonly wordWeight: number;
  readonly charWeight: number;
}

/** Feature settings tuned on BANKING77/HWU64 validation splits (never on their test files). */
export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  hashBits: 20,
  wordNgramMax: 2,
  skipGramWindow: 0,
  charNgramMin: 2,
  charNgramMax: 5,
  wordWeight: 1,
  charWeight: 1,
};

/** A sparse vector: strictly increasing `indices` with matching `values`. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** FNV-1a 32-bit over UTF-16 code units, salted so word and char features land apart. */
export function hashString(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche so that similar short strings spread over the low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const WORD_SALT = 0x9e3779b1;
const CHAR_SALT = 0x7f4a7c15;

/** Raw hashed term counts of one text, one map per block (bucket → count). */
export interface RawFeatures {
  readonly words: Map<number, number>;
  readonly chars: Map<number, number>;
}

function bump(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Hashes one text into raw counts. Pure and cheap; IDF weighting happens in
 * {@link TfidfVectorizer} because it needs corpus statistics.
 */
export function extractRawFeatures(
  text: string,
  options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
): RawFeatures {
  const mask = (1 << options.hashBits) - 1;
  const surface = splitWords(normalizeText(text));
  const stems = surface.map(stemToken);
  const words = new Map<number, number>();
  for (let n = 1; n <= options.wordNgramMax; n++) {
    for (let i = 0; i + n <= stems.length; i++) {
      const gram = n === 1 ? (stems[i] ?? '') : stems.slice(i, i + n).join(' ');
      bump(words, hashString(gram, WORD_SALT + n) & mask);
    }
  }
  for (let gap = 2; gap <= options.skipGramWindow; gap++) {
    for (let i = 0; i + gap < stems.length; i++) {
      bump(words, hashString(`${stems[i]}~${stems[i + gap]}`, WORD_SALT) & mask);
    }
  }
  const chars = new Map<number, number>();
  // Char n-grams span word boundaries on purpose: " to p" / "o pe" carry some phrase information.
  const charText = ` ${surface.map((w) => (w === NUMBER_TOKEN ? '0' : w)).join(' ')} `;
  for (let n = options.charNgramMin; n <= options.charNgramMax; n++) {
    for (let i = 0; i + n <= charText.length; i++) {
      const gram = charText.slice(i, i + n);
      if (gram.trim().length === 0) continue;
      bump(chars, hashString(gram, CHAR_SALT + n) & mask);
    }
  }
  return { words, chars };
}

/** Serializable state of a fitted {@link TfidfVectorizer}. */
export interface TfidfState {
  readonly options: FeatureOptions;
  /** Hash buckets seen in training, sorted; position = compact feature index. */
  readonly buckets: Int32Array;
  /** IDF per compact feature index. */
  readonly idf: Float32Array;
}

/**
 * Sublinear-TF × IDF vectorizer over hashed features. Fit once on training
 * texts; transforming drops buckets never seen in training because their
 * weights would be zero anyway.
 */
export class TfidfVectorizer {
  readonly options: FeatureOptions;
  readonly dimension: number;
  private readonly lookup: Map<number, number>;
  private readonly idf: Float32Array;
  private readonly buckets: Int32Array;

  private constructor(state: TfidfState) {
    this.options = state.options;
    this.buckets = state.buckets;
    this.idf = state.idf;
    this.dimension = state.buckets.length;
    this.lookup = new Map();
    for (let i = 0; i < state.buckets.length; i++) this.lookup.set(state.buckets[i] ?? 0, i);
  }

  /** Fits document frequencies on raw features of the training texts. */
  static fit(raws: readonly RawFeatures[], options: FeatureOptions): TfidfVectorizer {
    const df = new Map<number, number>();
    for (const raw of raws) {
      // A bucket shared by a word and a char gram counts once per document.
      const seen = new Set<number>([...raw.words.keys(), ...raw.chars.keys()]);
      for (const bucket of seen) df.set(bucket, (df.get(bucket) ?? 0) + 1);
    }
    const buckets = Int32Array.from([...df.keys()].sort((a, b) => a - b));
    const idf = new Float32Array(buckets.length);
    const n = raws.length;
    for (let i = 0; i < buckets.length; i++) {
      // Smoothed IDF as in scikit-learn: never zero, so ubiquitous grams still count a little.
      idf[i] = Math.log((1 + n) / (1 + (df.get(buckets[i] ?? 0) ?? 0))) + 1;
    }
    return new TfidfVectorizer({ options, buckets, idf });
  }

  /** Rebuilds a vectorizer from {@link TfidfVectorizer.toState}. */
  static fromState(state: TfidfState): TfidfVectorizer {
    return new TfidfVectorizer(state);
  }

  toState(): TfidfState {
    return { options: this.options, buckets: this.buckets, idf: this.idf };
  }

  /** Raw features → weighted, L2-normalised sparse vector in compact index space. */
  transformRaw(raw: RawFeatures): SparseVector {
    const acc = new Map<number, number>();
    this.addBlock(acc, raw.words, this.options.wordWeight);
    this.addBlock(acc, raw.chars, this.options.charWeight);
    const indices = Int32Array.from([...acc.keys()].sort((a, b) => a - b));
    const values = new Float32Array(indices.length);
    let norm = 0;
    for (let i = 0; i < indices.length; i++) {
      const v = acc.get(indices[i] ?? 0) ?? 0;
      values[i] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) * inv;
    }
    return { indices, values };
  }

  /** Text → sparse vector; the convenience path used at prediction time. */
  transform(text: string): SparseVector {
    return this.transformRaw(extractRawFeatures(text, this.options));
  }

  // Each block is normalised on its own before weighting so a long message's
  // many char grams cannot drown its few word grams.
  private addBlock(acc: Map<number, number>, block: Map<number, number>, weight: number): void {
    if (weight === 0) return;
    const entries: [number, number][] = [];
    let norm = 0;
    for (const [bucket, count] of block) {
      const index = this.lookup.get(bucket);
      if (index === undefined) continue;
      const v = (1 + Math.log(count)) * (this.idf[index] ?? 1);
      entries.push([index, v]);
      norm += v * v;
    }
    if (norm === 0) return;
    const scale = weight / Math.sqrt(norm);
    for (const [index, v] of entries) acc.set(index, (acc.get(index) ?? 0) + v * scale);
  }
}

import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { KbHit } from '../model/understanding.ts';
import { Bm25Index, type Bm25Params } from './bm25-index.ts';
import { FlatVectorStore } from './flat-vector-store.ts';
import { LocalHashEmbeddings } from './local-hash-embeddings.ts';
import { analyze } from './text-analysis.ts';
import { topK } from './top-k.ts';

/** One searchable unit: a section of an article (or a whole short document). */
export interface HybridChunk {
  readonly chunkId: string;
  /** Article id; hits are de-duplicated per article. */
  readonly articleId: string;
  /** Article title; chunks whose titles are identical share title evidence. */
  readonly title: string;
  readonly heading?: string;
  readonly text: string;
  readonly url?: string;
  readonly locale?: string;
}

/** Fusion weights and calibration of the hybrid ranker. Defaults tuned on StackFAQ `queries_dev.jsonl`. */
export interface HybridTuning {
  readonly titleBm25: Bm25Params;
  readonly bodyBm25: Bm25Params;
  /** Weights of the normalised evidence, summed into the raw score. */
  readonly titleLexical: number;
  readonly bodyLexical: number;
  /** Best body evidence among the chunks sharing the title (sibling sections / answers). */
  readonly groupLexical: number;
  readonly titleVector: number;
  readonly bodyVector: number;
  readonly groupVector: number;
  /** Pseudo-relevance feedback: expand the query with terms of the top titles; `weight` 0 disables. */
  readonly feedback: { readonly groups: number; readonly terms: number; readonly weight: number };
  /** Logistic calibration `1 / (1 + exp(-(slope * raw + intercept)))` mapping raw scores to [0,1]. */
  readonly calibration: { readonly slope: number; readonly intercept: number };
}

/** Tuned on StackFAQ dev queries (see `scripts/eval-kb.ts`); calibration fitted against off-topic HWU64 texts. */
export const DEFAULT_HYBRID_TUNING: HybridTuning = {
  titleBm25: { k1: 1.2, b: 0.75 },
  bodyBm25: { k1: 1.2, b: 0.75 },
  titleLexical: 1,
  bodyLexical: 0.5,
  groupLexical: 0.3,
  titleVector: 1,
  bodyVector: 0.5,
  groupVector: 0.3,
  feedback: { groups: 3, terms: 8, weight: 0 },
  calibration: { slope: 10, intercept: -4 },
};

/** Search options for {@link HybridIndex.search}. */
export interface HybridSearchOptions {
  readonly k?: number;
  /** Prefer chunks of this locale; ignored when no chunk has it. */
  readonly locale?: string;
  /** Return one hit per article (default) or every chunk. */
  readonly perArticle?: boolean;
}

/** What {@link HybridIndex.create} needs besides the chunks. */
export interface HybridIndexOptions {
  readonly embeddings: EmbeddingsInterface;
  readonly tuning?: Partial<HybridTuning>;
  /**
   * Embeds texts for the index; the index cache substitutes stored vectors here.
   * Defaults to `embeddings.embedDocuments`.
   */
  readonly embedTexts?: (texts: readonly string[]) => Promise<Float32Array[]>;
}

interface Scratch {
  readonly titleLex: Float32Array;
  readonly bodyLex: Float32Array;
  readonly titleVec: Float32Array;
  readonly bodyVec: Float32Array;
  readonly groupLex: Float32Array;
  readonly groupVec: Float32Array;
  readonly combined: Float32Array;
}

/** Text embedded for a chunk: title and heading give a section its context. */
export function chunkEmbeddingText(chunk: HybridChunk): string {
  return [chunk.title, chunk.heading, chunk.text].filter((part) => part && part.length > 0).join('\n');
}

/**
 * Keyword (BM25 over titles and bodies) plus vector (cosine over chunk and title embeddings)
 * retrieval, fused by normalised score rather than rank so the fused score keeps an absolute
 * meaning that can be calibrated into [0,1] and compared with fixed thresholds.
 */
export class HybridIndex {
  readonly chunks: readonly HybridChunk[];
  readonly tuning: HybridTuning;
  private readonly embeddings: EmbeddingsInterface;
  private readonly groupOf: Int32Array;
  private readonly groupCount: number;
  private readonly titleIndex: Bm25Index;
  private readonly bodyIndex: Bm25Index;
  private readonly chunkVectors: FlatVectorStore;
  private readonly titleVectors: FlatVectorStore;
  private readonly groupTitleTerms: readonly (readonly string[])[];
  private readonly scratch: Scratch;

  private constructor(
    chunks: readonly HybridChunk[],
    tuning: HybridTuning,
    embeddings: EmbeddingsInterface,
    groupOf: Int32Array,
    groupTitles: readonly string[],
    chunkVectors: FlatVectorStore,
    titleVectors: FlatVectorStore,
  ) {
    this.chunks = chunks;
    this.tuning = tuning;
    this.embeddings = embeddings;
    this.groupOf = groupOf;
    this.groupCount = groupTitles.length;
    this.groupTitleTerms = groupTitles.map((t) => analyze(t));
    this.titleIndex = new Bm25Index(this.groupTitleTerms, tuning.titleBm25);
    this.bodyIndex = new Bm25Index(
      chunks.map((c) => analyze(`${c.heading ?? ''}\n${c.text}`)),
      tuning.bodyBm25,
    );
    this.chunkVectors = chunkVectors;
    this.titleVectors = titleVectors;
    const n = chunks.length;
    const g = this.groupCount;
    this.scratch = {
      titleLex: new Float32Array(g),
      bodyLex: new Float32Array(n),
      titleVec: new Float32Array(g),
      bodyVec: new Float32Array(n),
      groupLex: new Float32Array(g),
      groupVec: new Float32Array(g),
      combined: new Float32Array(n),
    };
  }

  /**
   * Builds the index: analyses text for BM25 and embeds every chunk and every distinct title.
   * Local hash embeddings are fitted on the corpus first so queries get corpus IDF.
   */
  static async create(chunks: readonly HybridChunk[], options: HybridIndexOptions): Promise<HybridIndex> {
    const tuning: HybridTuning = { ...DEFAULT_HYBRID_TUNING, ...options.tuning };
    const groupIds = new Map<string, number>();
    const groupTitles: string[] = [];
    const groupOf = new Int32Array(chunks.length);
    chunks.forEach((chunk, i) => {
      const key = chunk.title.trim().toLowerCase();
      let id = groupIds.get(key);
      if (id === undefined) {
        id = groupTitles.length;
        groupIds.set(key, id);
        groupTitles.push(chunk.title);
      }
      groupOf[i] = id;
    });
    const embeddings = options.embeddings;
    const chunkTexts = chunks.map(chunkEmbeddingText);
    if (embeddings instanceof LocalHashEmbeddings) embeddings.fit([...chunkTexts, ...groupTitles]);
    const embed =
      options.embedTexts ??
      (async (texts: readonly string[]) =>
        (await embeddings.embedDocuments([...texts])).map((v) => Float32Array.from(v)));
    const [chunkVecs, titleVecs] = [await embed(chunkTexts), await embed(groupTitles)];
    const chunkStore = new FlatVectorStore(embeddings);
    chunkStore.addTypedVectors(
      chunkVecs,
      chunks.map((c) => new Document({ pageContent: c.text, metadata: { ...c }, id: c.chunkId })),
    );
    const titleStore = new FlatVectorStore(embeddings);
    titleStore.addTypedVectors(
      titleVecs,
      groupTitles.map((t, i) => new Document({ pageContent: t, metadata: { group: i } })),
    );
    return new HybridIndex(chunks, tuning, embeddings, groupOf, groupTitles, chunkStore, titleStore);
  }

  /** The LangChain vector store holding chunk vectors, for callers that want plain similarity search. */
  get vectorStore(): FlatVectorStore {
    return this.chunkVectors;
  }

  /** Ranks chunks for `query`; scores are calibrated into [0,1] (see `DEFAULT_KB_THRESHOLDS`). */
  async search(query: string, options: HybridSearchOptions = {}): Promise<KbHit[]> {
    const k = options.k ?? 5;
    const n = this.chunks.length;
    if (n === 0 || k <= 0) return [];
    const queryVector = await this.embedQuery(query);
    const terms = analyze(query);
    const raw = this.rawScores(terms, queryVector);
    const allowed = this.allowedChunks(options.locale);
    const perArticle = options.perArticle ?? true;
    // Over-fetch so de-duplicating per article still leaves k distinct articles.
    const ranked = topK(raw, allowed, perArticle ? Math.min(n, k * 8 + 16) : k);
    const hits: KbHit[] = [];
    const seen = new Set<string>();
    for (const index of ranked) {
      const chunk = this.chunks[index] as HybridChunk;
      if (perArticle) {
        if (seen.has(chunk.articleId)) continue;
        seen.add(chunk.articleId);
      }
      hits.push(toHit(chunk, this.calibrate(raw[index] as number)));
      if (hits.length >= k) break;
    }
    return hits;
  }

  /** Maps a raw fused score to [0,1]. */
  calibrate(raw: number): number {
    const { slope, intercept } = this.tuning.calibration;
    return 1 / (1 + Math.exp(-(slope * raw + intercept)));
  }

  private async embedQuery(query: string): Promise<Float32Array> {
    if (this.embeddings instanceof LocalHashEmbeddings) return this.embeddings.embedQuerySync(query);
    return Float32Array.from(await this.embeddings.embedQuery(query));
  }

  private allowedChunks(locale: string | undefined): number[] {
    const all = Array.from({ length: this.chunks.length }, (_, i) => i);
    if (!locale) return all;
    const wanted = locale.toLowerCase().split('-')[0];
    const matching = all.filter((i) => (this.chunks[i]?.locale ?? 'en').toLowerCase().split('-')[0] === wanted);
    return matching.length > 0 ? matching : all;
  }

  /** Raw fused score per chunk: weighted sum of normalised lexical and vector evidence, divided by the weight sum. */
  private rawScores(terms: readonly string[], queryVector: Float32Array): Float32Array {
    const t = this.tuning;
    const s = this.scratch;
    this.lexical(terms, undefined, s);
    if (t.feedback.weight > 0 && terms.length > 0) this.feedback(terms, s);
    this.titleVectors.scoreAll(queryVector, s.titleVec);
    this.chunkVectors.scoreAll(queryVector, s.bodyVec);
    const n = this.chunks.length;
    s.groupLex.fill(0);
    s.groupVec.fill(0);
    for (let i = 0; i < n; i++) {
      const g = this.groupOf[i] as number;
      if ((s.bodyVec[i] as number) < 0) s.bodyVec[i] = 0;
      if ((s.bodyLex[i] as number) > (s.groupLex[g] as number)) s.groupLex[g] = s.bodyLex[i] as number;
      if ((s.bodyVec[i] as number) > (s.groupVec[g] as number)) s.groupVec[g] = s.bodyVec[i] as number;
    }
    const total =
      t.titleLexical + t.bodyLexical + t.groupLexical + t.titleVector + t.bodyVector + t.groupVector || 1;
    for (let i = 0; i < n; i++) {
      const g = this.groupOf[i] as number;
      const value =
        t.titleLexical * (s.titleLex[g] as number) +
        t.bodyLexical * (s.bodyLex[i] as number) +
        t.groupLexical * (s.groupLex[g] as number) +
        t.titleVector * Math.max(0, s.titleVec[g] as number) +
        t.bodyVector * (s.bodyVec[i] as number) +
        t.groupVector * (s.groupVec[g] as number);
      s.combined[i] = value / total;
    }
    return s.combined;
  }

  /** Fills normalised title and body BM25 (each divided by the query's total IDF, so about [0,1]). */
  private lexical(terms: readonly string[], weights: readonly number[] | undefined, s: Scratch): void {
    const title = this.titleIndex.score(terms, s.titleLex, weights);
    const body = this.bodyIndex.score(terms, s.bodyLex, weights);
    const tw = title.queryWeight || 1;
    const bw = body.queryWeight || 1;
    for (const g of title.touched) s.titleLex[g] = Math.min(1, (s.titleLex[g] as number) / tw);
    for (const i of body.touched) s.bodyLex[i] = Math.min(1, (s.bodyLex[i] as number) / bw);
  }

  /** RM3-style expansion: add the most frequent non-query terms of the best-matching titles. */
  private feedback(terms: readonly string[], s: Scratch): void {
    const f = this.tuning.feedback;
    const best = topK(
      s.titleLex,
      Array.from({ length: this.groupCount }, (_, i) => i),
      f.groups,
    );
    const counts = new Map<string, number>();
    const original = new Set(terms);
    for (const g of best) {
      const w = s.titleLex[g] as number;
      if (w <= 0) continue;
      for (const term of this.groupTitleTerms[g] ?? []) {
        if (!original.has(term)) counts.set(term, (counts.get(term) ?? 0) + w);
      }
    }
    const expansion = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, f.terms);
    if (expansion.length === 0) return;
    const expanded = [...terms, ...expansion.map(([term]) => term)];
    const weights = [...terms.map(() => 1), ...expansion.map(() => f.weight)];
    this.lexical(expanded, weights, s);
  }
}

function toHit(chunk: HybridChunk, score: number): KbHit {
  return {
    id: chunk.articleId,
    chunkId: chunk.chunkId,
    title: chunk.title,
    text: chunk.text,
    score,
    ...(chunk.url !== undefined ? { url: chunk.url } : {}),
    ...(chunk.heading !== undefined && chunk.heading !== '' ? { heading: chunk.heading } : {}),
  };
}

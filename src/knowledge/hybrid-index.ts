import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { KbHit } from '../model/understanding.ts';
import { Bm25Index, type Bm25Params } from './bm25-index.ts';
import { FlatVectorStore } from './flat-vector-store.ts';
import { LocalHashEmbeddings, embedDocumentsAsFloat32 } from './local-hash-embeddings.ts';
import { type AnalyzedQuery, QueryAnalyzer } from './query-analyzer.ts';
import { questionFormCode } from './question-form.ts';
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
  /** Article tags; indexed with the title because authors use them as keywords. */
  readonly tags?: readonly string[];
  /** Customer phrasings of the article's question; indexed and embedded with the title. */
  readonly questions?: readonly string[];
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
  /**
   * Best cosine between the query and one of the article's customer questions (front matter
   * `questions`), each embedded on its own. Counted only in an index that has questions, so
   * collections without them (the public eval sets) score exactly as before.
   */
  readonly questionVector: number;
  /**
   * A customer phrasing of the same form as the query (steps, cost, time, permission: see
   * `question-form.ts`) counts this much more: its cosine is multiplied by `1 + questionForm`.
   */
  readonly questionForm: number;
  /**
   * Added to an article's first chunk. KB articles open with a summary that answers the common
   * question, so when sections tie on evidence the summary is the better quote.
   */
  readonly leadSection: number;
  /**
   * Logistic calibration to [0,1]: `sigmoid(slope * raw + information * ln(1 + queryInformation) + intercept)`.
   * `information` lets a query with more specific words earn more confidence than a one-word match.
   */
  readonly calibration: { readonly slope: number; readonly information: number; readonly intercept: number };
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
  questionVector: 3,
  questionForm: 0.1,
  leadSection: 0.02,
  calibration: { slope: 16.2, information: 5.2, intercept: -13 },
};

/** Search options for {@link HybridIndex.search}. */
export interface HybridSearchOptions {
  readonly k?: number;
  /** Prefer chunks of this locale; ignored when no chunk has it. */
  readonly locale?: string;
  /** Return one hit per article (default) or every chunk. */
  readonly perArticle?: boolean;
}

/** Why a hit scored what it did: the normalised evidence that was fused. */
export interface HitEvidence {
  /** Fused score before calibration (weighted mean of the evidence below and the sibling evidence). */
  readonly raw: number;
  readonly titleLexical: number;
  readonly bodyLexical: number;
  readonly titleVector: number;
  readonly bodyVector: number;
  /** Sum of IDF over the query terms divided by the largest possible IDF: about the number of specific words. */
  readonly information: number;
  /** The part of `information` whose terms occur in this hit's title or text. */
  readonly matchedInformation: number;
  /** Query terms after stemming, synonyms, compound joining and spelling correction. */
  readonly terms: readonly string[];
}

/** A hit with its evidence. */
export interface ScoredHit {
  readonly hit: KbHit;
  readonly evidence: HitEvidence;
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
  readonly question: Float32Array;
  readonly questionGroup: Float32Array;
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
  /** 1 for the first chunk of each article. */
  private readonly isLead: Uint8Array;
  private readonly groupCount: number;
  private readonly titleIndex: Bm25Index;
  private readonly bodyIndex: Bm25Index;
  private readonly chunkVectors: FlatVectorStore;
  private readonly titleVectors: FlatVectorStore;
  /** One vector per customer question, and the title group each belongs to. */
  private readonly questionVectors: FlatVectorStore | null;
  private readonly questionGroupOf: Int32Array;
  /** Each question's form code (`question-form.ts`, 0 when it has none). */
  private readonly questionForms: Uint8Array;
  private readonly analyzer: QueryAnalyzer;
  /**
   * Per-query buffers reused to avoid allocating n floats six times per search. Safe with
   * concurrent searches: a search fills and reads them with no `await` in between.
   */
  private readonly scratch: Scratch;
  private readonly allIndices: readonly number[];

  private constructor(
    chunks: readonly HybridChunk[],
    tuning: HybridTuning,
    embeddings: EmbeddingsInterface,
    groupOf: Int32Array,
    groupTitles: readonly string[],
    groupKeywords: readonly string[],
    chunkVectors: FlatVectorStore,
    titleVectors: FlatVectorStore,
    questionVectors: FlatVectorStore | null,
    questionGroupOf: Int32Array,
    questionForms: Uint8Array,
  ) {
    this.chunks = chunks;
    this.tuning = tuning;
    this.embeddings = embeddings;
    this.groupOf = groupOf;
    this.isLead = new Uint8Array(chunks.length);
    const seenArticles = new Set<string>();
    chunks.forEach((chunk, i) => {
      if (seenArticles.has(chunk.articleId)) return;
      seenArticles.add(chunk.articleId);
      this.isLead[i] = 1;
    });
    this.groupCount = groupTitles.length;
    const titleTerms = groupTitles.map((t, i) => analyze(`${t}\n${groupKeywords[i] ?? ''}`));
    const bodyTexts = chunks.map((c) => `${c.heading ?? ''}\n${c.text}`);
    const bodyTerms = bodyTexts.map((t) => analyze(t));
    this.titleIndex = new Bm25Index(titleTerms, tuning.titleBm25);
    this.bodyIndex = new Bm25Index(bodyTerms, tuning.bodyBm25);
    const known = new Set<string>([...titleTerms.flat(), ...bodyTerms.flat()]);
    this.analyzer = new QueryAnalyzer([...groupTitles, ...groupKeywords, ...bodyTexts], known);
    this.chunkVectors = chunkVectors;
    this.titleVectors = titleVectors;
    this.questionVectors = questionVectors;
    this.questionGroupOf = questionGroupOf;
    this.questionForms = questionForms;
    const n = chunks.length;
    const g = this.groupCount;
    this.allIndices = Array.from({ length: n }, (_, i) => i);
    this.scratch = {
      titleLex: new Float32Array(g),
      bodyLex: new Float32Array(n),
      titleVec: new Float32Array(g),
      bodyVec: new Float32Array(n),
      groupLex: new Float32Array(g),
      groupVec: new Float32Array(g),
      combined: new Float32Array(n),
      question: new Float32Array(questionGroupOf.length),
      questionGroup: new Float32Array(g),
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
    const groupKeywords: string[] = [];
    // What is embedded per title group: the title, plus the customer phrasings when there are any.
    const groupEmbedded: string[] = [];
    const questionTexts: string[] = [];
    const questionGroups: number[] = [];
    const groupOf = new Int32Array(chunks.length);
    chunks.forEach((chunk, i) => {
      const key = chunk.title.trim().toLowerCase();
      let id = groupIds.get(key);
      if (id === undefined) {
        id = groupTitles.length;
        groupIds.set(key, id);
        groupTitles.push(chunk.title);
        groupKeywords.push(
          [...(chunk.tags ?? []).map((tag) => tag.replace(/[-_]+/g, ' ')), ...(chunk.questions ?? [])].join(
            ', ',
          ),
        );
        groupEmbedded.push([chunk.title, ...(chunk.questions ?? [])].join('\n'));
        for (const question of chunk.questions ?? []) {
          questionTexts.push(question);
          questionGroups.push(id);
        }
      }
      groupOf[i] = id;
    });
    const embeddings = options.embeddings;
    const chunkTexts = chunks.map(chunkEmbeddingText);
    if (embeddings instanceof LocalHashEmbeddings)
      embeddings.fit([...chunkTexts, ...groupEmbedded, ...questionTexts]);
    const embed =
      options.embedTexts ?? ((texts: readonly string[]) => embedDocumentsAsFloat32(embeddings, texts));
    // One call so a cache-backed embedder can report progress over everything it embeds.
    const vectors = await embed([...chunkTexts, ...groupEmbedded, ...questionTexts]);
    const chunkVecs = vectors.slice(0, chunkTexts.length);
    const titleVecs = vectors.slice(chunkTexts.length, chunkTexts.length + groupEmbedded.length);
    const questionVecs = vectors.slice(chunkTexts.length + groupEmbedded.length);
    let questionStore: FlatVectorStore | null = null;
    if (questionVecs.length > 0) {
      questionStore = new FlatVectorStore(embeddings);
      questionStore.addTypedVectors(
        questionVecs,
        questionTexts.map((q, i) => new Document({ pageContent: q, metadata: { group: questionGroups[i] } })),
      );
    }
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
    return new HybridIndex(
      chunks,
      tuning,
      embeddings,
      groupOf,
      groupTitles,
      groupKeywords,
      chunkStore,
      titleStore,
      questionStore,
      Int32Array.from(questionGroups),
      Uint8Array.from(questionTexts.map(questionFormCode)),
    );
  }

  /** The LangChain vector store holding chunk vectors, for callers that want plain similarity search. */
  get vectorStore(): FlatVectorStore {
    return this.chunkVectors;
  }

  /** Ranks chunks for `query`; scores are calibrated into [0,1] (see `DEFAULT_KB_THRESHOLDS`). */
  async search(query: string, options: HybridSearchOptions = {}): Promise<KbHit[]> {
    return (await this.searchWithEvidence(query, options)).map((r) => r.hit);
  }

  /**
   * Like {@link search} but also returns the evidence behind each score, for debugging
   * ("why did the bot pick this article?") and for fitting the calibration.
   */
  async searchWithEvidence(query: string, options: HybridSearchOptions = {}): Promise<ScoredHit[]> {
    const k = options.k ?? 5;
    const n = this.chunks.length;
    if (n === 0 || k <= 0) return [];
    const analyzed = this.analyzer.analyze(query);
    const queryVector = await this.embedQuery(query, analyzed.text);
    const { raw, information } = this.rawScores(analyzed, queryVector, questionFormCode(query));
    const allowed = this.allowedChunks(options.locale);
    const perArticle = options.perArticle ?? true;
    // Over-fetch so de-duplicating per article still leaves k distinct articles.
    const ranked = topK(raw, allowed, perArticle ? Math.min(n, k * 8 + 16) : k);
    const results: ScoredHit[] = [];
    const seen = new Set<string>();
    const s = this.scratch;
    for (const index of ranked) {
      const chunk = this.chunks[index] as HybridChunk;
      if ((raw[index] as number) <= 0) break;
      if (perArticle) {
        if (seen.has(chunk.articleId)) continue;
        seen.add(chunk.articleId);
      }
      const g = this.groupOf[index] as number;
      const rawScore = raw[index] as number;
      const matched = this.matchedInformation(analyzed, g, index);
      results.push({
        hit: toHit(chunk, this.calibrate(rawScore, information)),
        evidence: {
          raw: rawScore,
          titleLexical: s.titleLex[g] as number,
          bodyLexical: s.bodyLex[index] as number,
          titleVector: s.titleVec[g] as number,
          bodyVector: s.bodyVec[index] as number,
          information,
          matchedInformation: matched,
          terms: analyzed.terms,
        },
      });
      if (results.length >= k) break;
    }
    return results;
  }

  /** Sum of IDF of the query terms found in the chunk or its title, in units of the largest IDF. */
  private matchedInformation(query: AnalyzedQuery, group: number, chunk: number): number {
    let sum = 0;
    query.terms.forEach((term, i) => {
      if (this.titleIndex.contains(term, group) || this.bodyIndex.contains(term, chunk)) {
        sum += this.bodyIndex.termIdf(term) * (query.weights[i] ?? 1);
      }
    });
    return sum / (this.bodyIndex.maxIdf || 1);
  }

  /** Every chunk of one article in document order, scored 1 (the customer chose it explicitly). */
  articleHits(articleId: string): KbHit[] {
    return this.chunks.filter((chunk) => chunk.articleId === articleId).map((chunk) => toHit(chunk, 1));
  }

  /** Maps a raw fused score and the query's information (see {@link HitEvidence.information}) to [0,1]. */
  calibrate(raw: number, information: number): number {
    const c = this.tuning.calibration;
    return 1 / (1 + Math.exp(-(c.slope * raw + c.information * Math.log1p(information) + c.intercept)));
  }

  /** Local embeddings get the spelling-corrected text; model embeddings read the customer's own words better. */
  private async embedQuery(original: string, corrected: string): Promise<Float32Array> {
    if (this.embeddings instanceof LocalHashEmbeddings) return this.embeddings.embedQuerySync(corrected);
    return Float32Array.from(await this.embeddings.embedQuery(original));
  }

  private allowedChunks(locale: string | undefined): readonly number[] {
    const all = this.allIndices;
    if (!locale) return all;
    const wanted = locale.toLowerCase().split('-')[0];
    const matching = all.filter(
      (i) => (this.chunks[i]?.locale ?? 'en').toLowerCase().split('-')[0] === wanted,
    );
    return matching.length > 0 ? matching : all;
  }

  /**
   * Raw fused score per chunk (weighted mean of normalised lexical and vector evidence) and the
   * query's information for calibration.
   */
  private rawScores(
    query: AnalyzedQuery,
    queryVector: Float32Array,
    queryForm: number,
  ): { readonly raw: Float32Array; readonly information: number } {
    const t = this.tuning;
    const s = this.scratch;
    const information = this.lexical(query.terms, query.weights, s);
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
    const questionWeight = this.questionVectors ? t.questionVector : 0;
    s.questionGroup.fill(0);
    if (this.questionVectors) {
      this.questionVectors.scoreAll(queryVector, s.question);
      const formBoost = queryForm === 0 ? 1 : 1 + t.questionForm;
      for (let q = 0; q < s.question.length; q++) {
        const g = this.questionGroupOf[q] as number;
        let similarity = s.question[q] as number;
        if (similarity > 0 && this.questionForms[q] === queryForm) similarity *= formBoost;
        if (similarity > (s.questionGroup[g] as number)) s.questionGroup[g] = similarity;
      }
    }
    const total =
      t.titleLexical +
        t.bodyLexical +
        t.groupLexical +
        t.titleVector +
        t.bodyVector +
        t.groupVector +
        questionWeight || 1;
    for (let i = 0; i < n; i++) {
      const g = this.groupOf[i] as number;
      const value =
        t.titleLexical * (s.titleLex[g] as number) +
        t.bodyLexical * (s.bodyLex[i] as number) +
        t.groupLexical * (s.groupLex[g] as number) +
        t.titleVector * Math.max(0, s.titleVec[g] as number) +
        t.bodyVector * (s.bodyVec[i] as number) +
        t.groupVector * (s.groupVec[g] as number) +
        questionWeight * (s.questionGroup[g] as number);
      // Chunks with no evidence at all stay at exactly 0 so they are never returned.
      s.combined[i] = value > 0 ? value / total + t.leadSection * (this.isLead[i] as number) : 0;
    }
    return { raw: s.combined, information };
  }

  /**
   * Fills normalised title and body BM25 (each divided by the query's total IDF, so about [0,1]).
   * @returns the query's information: total IDF in units of the largest IDF ("fully specific
   * words"), so the figure means the same for small and large corpora.
   */
  private lexical(terms: readonly string[], weights: readonly number[], s: Scratch): number {
    const title = this.titleIndex.score(terms, s.titleLex, weights);
    const body = this.bodyIndex.score(terms, s.bodyLex, weights);
    const tw = title.queryWeight || 1;
    const bw = body.queryWeight || 1;
    for (const g of title.touched) s.titleLex[g] = Math.min(1, (s.titleLex[g] as number) / tw);
    for (const i of body.touched) s.bodyLex[i] = Math.min(1, (s.bodyLex[i] as number) / bw);
    return body.queryWeight / (this.bodyIndex.maxIdf || 1);
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

import { performance } from 'node:perf_hooks';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { BaseRetriever } from '@langchain/core/retrievers';
import { BotError, RetrievalError } from '../errors.ts';
import type { KbHit } from '../model/understanding.ts';
import type { KnowledgeRetriever, RetrieveOptions } from '../ports/knowledge-retriever.ts';
import type { Logger } from '../ports/logger.ts';
import { ArticleVoter, withVote } from './article-vote.ts';
import { toHybridChunks } from './create-hybrid-index.ts';
import {
  type CachedEmbeddingStats,
  DEFAULT_KB_CACHE_DIR,
  EmbeddingCache,
  embedThroughCache,
  embeddingModelId,
} from './embedding-cache.ts';
import { type ChunkingOptions, chunkArticles } from './heading-chunker.ts';
import { HybridIndex, type HybridTuning } from './hybrid-index.ts';
import { loadKnowledgeBase } from './kb-loader.ts';
import { LocalHashEmbeddings } from './local-hash-embeddings.ts';

/** Options of {@link createLangChainRetriever} and {@link indexKnowledgeBase}. */
export interface LangChainRetrieverOptions {
  /** Folder of markdown articles with front matter (nested folders allowed). */
  readonly kbDir: string;
  /** Vector cache folder; defaults to `.cache/kb-index`; `false` disables caching. */
  readonly cacheDir?: string | false;
  /** Any LangChain embeddings (OpenAI, ...); defaults to {@link LocalHashEmbeddings}. */
  readonly embeddings?: EmbeddingsInterface;
  /** Cache key part naming the model when it cannot be read off `embeddings`. */
  readonly embeddingModelId?: string;
  readonly logger?: Logger;
  /** Progress over texts to embed (chunks plus titles); cached texts count as done at once. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly tuning?: Partial<HybridTuning>;
  readonly chunking?: ChunkingOptions;
  /** Hits returned when the caller does not pass `k`. */
  readonly defaultK?: number;
  /** How a recognised intent lifts the articles linked to it; see {@link IntentBoost}. */
  readonly intentBoost?: Partial<IntentBoost>;
  /** Train the article classifier on the articles' phrasings and mark its vote on hits (default true). */
  readonly articleVote?: boolean;
}

/**
 * How a confidently recognised intent lifts the scores of the articles whose front matter names
 * it: `1 - (1 - score) * (1 - weight * min(1, confidence / fullConfidence) * relative^sharpness)`,
 * where `relative` is the article's retrieval evidence over the best linked article's. The best
 * matching linked article gets the whole lift, so one confident intent answers weak wording ("do u
 * take paypal"); the other linked articles get less the less they match, so retrieval still picks
 * among them and close ones end in a clarifying question. Tuned on `eval/conversations/dev.jsonl`.
 */
export interface IntentBoost {
  /** Largest lift, reached from `fullConfidence` on by the best-matching linked article. */
  readonly weight: number;
  /** Intents below this confidence lift nothing. */
  readonly minConfidence: number;
  /** Confidence from which the lift is whole; below it the lift shrinks in proportion. */
  readonly fullConfidence: number;
  /** Evidence every linked article gets, so a link with no matching word still gets some lift. */
  readonly floor: number;
  /** How fast the lift falls for linked articles that match worse than the best one. */
  readonly sharpness: number;
  /**
   * A top retrieval hit the intent does not link, scoring at least this, caps the lift: the intent
   * and the words disagree, so neither should win outright.
   */
  readonly contestedFrom: number;
}

export const DEFAULT_INTENT_BOOST: IntentBoost = {
  weight: 0.9,
  minConfidence: 0.35,
  fullConfidence: 0.8,
  floor: 0.02,
  sharpness: 2,
  contestedFrom: 0.4,
};

/** What building the index did, for `switchboard kb index` and startup logs. */
export interface KbIndexStats {
  readonly articles: number;
  readonly chunks: number;
  /** Texts (chunks and titles) sent to the embedding model. */
  readonly embedded: number;
  /** Texts whose vectors came from the cache. */
  readonly reused: number;
  readonly ms: number;
}

/**
 * The knowledge-base retriever behind the `KnowledgeRetriever` port: hybrid BM25 + vector search
 * over heading chunks of `kb/`, one hit per article, calibrated scores in [0,1] that the engine
 * compares with `DEFAULT_KB_THRESHOLDS` (or configured ones).
 */
export class LangChainRetriever implements KnowledgeRetriever {
  readonly index: HybridIndex;
  readonly stats: KbIndexStats;
  /** Article ids per intent name, from the articles' `intents` front matter. */
  readonly articlesByIntent: ReadonlyMap<string, readonly string[]>;
  private readonly defaultK: number;
  private readonly logger: Logger | undefined;
  private readonly boost: IntentBoost;
  private readonly articleCount: number;
  private readonly voter: ArticleVoter | null;

  constructor(
    index: HybridIndex,
    stats: KbIndexStats,
    options: {
      defaultK?: number;
      logger?: Logger;
      articlesByIntent?: ReadonlyMap<string, readonly string[]>;
      intentBoost?: Partial<IntentBoost>;
      voter?: ArticleVoter | null;
    } = {},
  ) {
    this.index = index;
    this.stats = stats;
    this.defaultK = options.defaultK ?? 5;
    this.logger = options.logger;
    this.articlesByIntent = options.articlesByIntent ?? new Map();
    this.boost = { ...DEFAULT_INTENT_BOOST, ...options.intentBoost };
    this.articleCount = new Set(index.chunks.map((c) => c.articleId)).size;
    this.voter = options.voter ?? null;
  }

  async search(query: string, options: RetrieveOptions = {}): Promise<readonly KbHit[]> {
    const k = options.k ?? this.defaultK;
    const locale = options.locale !== undefined ? { locale: options.locale } : {};
    try {
      const intent = options.intent;
      const linked = intent ? (this.articlesByIntent.get(intent.name) ?? []) : [];
      const vote = this.voter?.vote(query) ?? null;
      if (!intent || linked.length === 0 || intent.confidence < this.boost.minConfidence) {
        return withVote(await this.index.search(query, { k, ...locale }), vote);
      }
      // Every article's best chunk, so linked articles outside the top k can still be lifted.
      const all = await this.index.search(query, { k: this.articleCount, ...locale });
      return withVote(
        liftLinked(all, linked, intent.confidence, this.boost, (id) => this.index.articleHits(id)[0]).slice(
          0,
          k,
        ),
        vote,
      );
    } catch (error) {
      this.logger?.error({ err: error }, 'knowledge-base search failed');
      if (error instanceof BotError) throw error;
      throw new RetrievalError('knowledge-base search failed', { cause: error });
    }
  }

  async article(id: string): Promise<readonly KbHit[]> {
    return this.index.articleHits(id);
  }

  /** A LangChain `BaseRetriever` view, for chains (e.g. the LLM answerer) that expect one. */
  asBaseRetriever(k = this.defaultK): BaseRetriever {
    return new HybridBaseRetriever(this.index, k);
  }
}

/**
 * Applies {@link IntentBoost} to the linked articles among `hits` (one hit per article, any order)
 * and re-sorts. A linked article retrieval found nothing for is quoted from `leadOf` (its summary).
 */
export function liftLinked(
  hits: readonly KbHit[],
  linked: readonly string[],
  confidence: number,
  boost: IntentBoost,
  leadOf: (articleId: string) => KbHit | undefined,
): KbHit[] {
  const byId = new Map(hits.map((h) => [h.id, h]));
  const linkedHits: KbHit[] = [];
  for (const id of linked) {
    const hit = byId.get(id) ?? leadOf(id);
    if (hit) linkedHits.push(byId.has(id) ? hit : { ...hit, score: 0 });
  }
  // The article retrieval itself ranks first, when the intent does not link it: the lift may not
  // carry a linked article past it (the two then tie, and the engine asks which one is meant).
  const linkedIds = new Set(linked);
  const unlinkedTop = hits.find((h) => !linkedIds.has(h.id));
  const ceiling =
    unlinkedTop !== undefined && unlinkedTop === hits[0] && unlinkedTop.score >= boost.contestedFrom
      ? unlinkedTop.score
      : 1;
  const evidenceOf = (h: KbHit): number => h.score + boost.floor;
  const best = Math.max(...linkedHits.map(evidenceOf), Number.MIN_VALUE);
  const strength = boost.weight * Math.min(1, confidence / boost.fullConfidence);
  for (const hit of linkedHits) {
    const lift = Math.min(1, strength * (evidenceOf(hit) / best) ** boost.sharpness);
    const lifted = 1 - (1 - hit.score) * (1 - lift);
    byId.set(hit.id, { ...hit, score: Math.max(hit.score, Math.min(lifted, ceiling)) });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score);
}

/** Adapts the hybrid index to LangChain's retriever interface; the score travels in metadata. */
export class HybridBaseRetriever extends BaseRetriever {
  lc_namespace = ['switchboard', 'knowledge'];
  private readonly hybrid: HybridIndex;
  private readonly k: number;

  constructor(index: HybridIndex, k = 5) {
    super({});
    this.hybrid = index;
    this.k = k;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.hybrid.search(query, { k: this.k });
    return hits.map(
      (hit) =>
        new Document({
          id: hit.chunkId,
          pageContent: hit.text,
          metadata: {
            articleId: hit.id,
            chunkId: hit.chunkId,
            title: hit.title,
            heading: hit.heading ?? '',
            url: hit.url ?? '',
            score: hit.score,
          },
        }),
    );
  }
}

async function buildIndex(options: LangChainRetrieverOptions & { readonly force?: boolean }): Promise<{
  index: HybridIndex;
  stats: KbIndexStats;
  articlesByIntent: Map<string, string[]>;
  voter: ArticleVoter | null;
}> {
  const started = performance.now();
  const embeddings = options.embeddings ?? new LocalHashEmbeddings();
  const articles = await loadKnowledgeBase(options.kbDir);
  const chunks = toHybridChunks(await chunkArticles(articles, options.chunking));
  const cacheDir = options.cacheDir === undefined ? DEFAULT_KB_CACHE_DIR : options.cacheDir;
  let cache: EmbeddingCache | undefined;
  if (cacheDir !== false) {
    const modelId = options.embeddingModelId ?? embeddingModelId(embeddings);
    const opened = await EmbeddingCache.open(cacheDir, modelId);
    if (opened.problem)
      options.logger?.warn({ cacheDir, problem: opened.problem }, 'ignoring unreadable kb index cache');
    cache = opened.cache;
    if (options.force) cache.retainOnly(new Set());
  }
  const counts: CachedEmbeddingStats = { embedded: 0, reused: 0, keys: new Set() };
  const saveCache = async (): Promise<void> => {
    try {
      await cache?.save();
    } catch (error) {
      options.logger?.warn({ err: error, cacheDir }, 'could not write kb index cache; continuing without it');
    }
  };
  let index: HybridIndex;
  try {
    index = await HybridIndex.create(chunks, {
      embeddings,
      ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
      embedTexts: (texts) => embedThroughCache(texts, embeddings, cache, counts, options.onProgress),
    });
  } catch (error) {
    // Keep the batches that did embed, so a retry after a provider outage resumes instead of restarting.
    await saveCache();
    if (error instanceof BotError) throw error;
    throw new RetrievalError(`could not index the knowledge base in ${options.kbDir}`, { cause: error });
  }
  if (cache) {
    cache.retainOnly(counts.keys);
    await saveCache();
  }
  const stats: KbIndexStats = {
    articles: articles.length,
    chunks: chunks.length,
    embedded: counts.embedded,
    reused: counts.reused,
    ms: Math.round(performance.now() - started),
  };
  options.logger?.info({ ...stats, kbDir: options.kbDir }, 'knowledge base indexed');
  const articlesByIntent = new Map<string, string[]>();
  for (const article of articles) {
    for (const intent of article.metadata.intents) {
      articlesByIntent.set(intent, [...(articlesByIntent.get(intent) ?? []), article.metadata.id]);
    }
  }
  const voter = options.articleVote === false ? null : ArticleVoter.train(articles);
  return { index, stats, articlesByIntent, voter };
}

/**
 * Loads, chunks and indexes `kbDir` and returns a ready retriever. Vectors of unchanged chunks
 * come from the cache, so a restart does not re-embed the knowledge base.
 * @throws KbValidationError when an article's front matter is invalid or an id is duplicated.
 */
export async function createLangChainRetriever(
  options: LangChainRetrieverOptions,
): Promise<LangChainRetriever> {
  const { index, stats, articlesByIntent, voter } = await buildIndex(options);
  return new LangChainRetriever(index, stats, {
    articlesByIntent,
    voter,
    ...(options.intentBoost !== undefined ? { intentBoost: options.intentBoost } : {}),
    ...(options.defaultK !== undefined ? { defaultK: options.defaultK } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
}

/**
 * (Re)builds the index cache for `switchboard kb index` and reports what it did.
 * `force` ignores cached vectors and embeds everything again.
 */
export async function indexKnowledgeBase(
  options: LangChainRetrieverOptions & { readonly force?: boolean },
): Promise<KbIndexStats> {
  return (await buildIndex(options)).stats;
}

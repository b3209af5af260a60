import { performance } from 'node:perf_hooks';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { BaseRetriever } from '@langchain/core/retrievers';
import { BotError, RetrievalError } from '../errors.ts';
import type { KbHit } from '../model/understanding.ts';
import type { KnowledgeRetriever, RetrieveOptions } from '../ports/knowledge-retriever.ts';
import type { Logger } from '../ports/logger.ts';
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
}

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
  private readonly defaultK: number;
  private readonly logger: Logger | undefined;

  constructor(index: HybridIndex, stats: KbIndexStats, options: { defaultK?: number; logger?: Logger } = {}) {
    this.index = index;
    this.stats = stats;
    this.defaultK = options.defaultK ?? 5;
    this.logger = options.logger;
  }

  async search(query: string, options: RetrieveOptions = {}): Promise<readonly KbHit[]> {
    try {
      return await this.index.search(query, {
        k: options.k ?? this.defaultK,
        ...(options.locale !== undefined ? { locale: options.locale } : {}),
      });
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

async function buildIndex(
  options: LangChainRetrieverOptions & { readonly force?: boolean },
): Promise<{ index: HybridIndex; stats: KbIndexStats }> {
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
  return { index, stats };
}

/**
 * Loads, chunks and indexes `kbDir` and returns a ready retriever. Vectors of unchanged chunks
 * come from the cache, so a restart does not re-embed the knowledge base.
 * @throws KbValidationError when an article's front matter is invalid or an id is duplicated.
 */
export async function createLangChainRetriever(
  options: LangChainRetrieverOptions,
): Promise<LangChainRetriever> {
  const { index, stats } = await buildIndex(options);
  return new LangChainRetriever(index, stats, {
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

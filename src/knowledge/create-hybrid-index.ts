import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import {
  type ChunkDocument,
  type ChunkableMetadata,
  type ChunkingOptions,
  chunkArticles,
} from './heading-chunker.ts';
import { type HybridChunk, HybridIndex, type HybridTuning } from './hybrid-index.ts';
import { LocalHashEmbeddings } from './local-hash-embeddings.ts';

/** A document given in memory (eval datasets, tests): the text may be markdown. */
export interface InMemoryDoc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly url?: string;
  readonly locale?: string;
}

/** Options shared by the in-memory and the `kb/` index builders. */
export interface HybridBuildOptions {
  /** Defaults to a fresh {@link LocalHashEmbeddings}. */
  readonly embeddings?: EmbeddingsInterface;
  readonly tuning?: Partial<HybridTuning>;
  readonly chunking?: ChunkingOptions;
  /** Replaces embedding (the index cache passes stored vectors through here). */
  readonly embedTexts?: (texts: readonly string[]) => Promise<Float32Array[]>;
}

/** Converts chunk documents to the hybrid index's plain records. */
export function toHybridChunks(chunks: readonly ChunkDocument[]): HybridChunk[] {
  return chunks.map((doc) => {
    const m = doc.metadata;
    return {
      chunkId: m.chunkId,
      articleId: m.articleId,
      title: m.title,
      heading: m.heading,
      text: doc.pageContent,
      locale: m.locale,
      ...(m.url !== undefined ? { url: m.url } : {}),
      ...(m.tags.length > 0 ? { tags: m.tags } : {}),
      ...(m.questions !== undefined && m.questions.length > 0 ? { questions: m.questions } : {}),
    };
  });
}

/**
 * Builds a searchable hybrid index from documents held in memory, chunked the same way as
 * `kb/` articles. Used by the retrieval eval and by tests; nothing is cached.
 */
export async function createHybridIndex(
  docs: readonly InMemoryDoc[],
  options: HybridBuildOptions = {},
): Promise<HybridIndex> {
  const articles = docs.map(
    (doc) =>
      new Document<ChunkableMetadata>({
        id: doc.id,
        pageContent: doc.text,
        metadata: {
          id: doc.id,
          title: doc.title,
          ...(doc.url !== undefined ? { url: doc.url } : {}),
          ...(doc.locale !== undefined ? { locale: doc.locale } : {}),
        },
      }),
  );
  const chunks = toHybridChunks(await chunkArticles(articles, options.chunking));
  return HybridIndex.create(chunks, {
    embeddings: options.embeddings ?? new LocalHashEmbeddings(),
    ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
    ...(options.embedTexts !== undefined ? { embedTexts: options.embedTexts } : {}),
  });
}

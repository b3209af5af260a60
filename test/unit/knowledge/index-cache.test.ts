import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { afterEach, describe, expect, it } from 'vitest';
import { RetrievalError } from '../../../src/errors.ts';
import { createLangChainRetriever, indexKnowledgeBase } from '../../../src/knowledge/langchain-retriever.ts';
import { LocalHashEmbeddings } from '../../../src/knowledge/local-hash-embeddings.ts';
import { SAMPLE_KB, removeDir, tempKb } from './kb-fixtures.ts';

/** Counts texts sent to the model (the index calls the sync path of local embeddings), to prove cached texts are not re-embedded. */
class CountingEmbeddings extends LocalHashEmbeddings {
  texts = 0;
  override embedDocumentSync(text: string): Float32Array {
    this.texts++;
    return super.embedDocumentSync(text);
  }
}

/** A non-local embeddings client (as OpenAI would be): batches through `embedDocuments`, may fail. */
class RemoteLikeEmbeddings implements EmbeddingsInterface {
  readonly model = 'remote-like-v1';
  batches: number[] = [];
  failAfterBatches = Number.POSITIVE_INFINITY;
  private readonly inner = new LocalHashEmbeddings({ dimension: 128 });
  async embedDocuments(documents: string[]): Promise<number[][]> {
    if (this.batches.length >= this.failAfterBatches) throw new Error('provider unavailable');
    this.batches.push(documents.length);
    return this.inner.embedDocuments(documents);
  }
  async embedQuery(document: string): Promise<number[]> {
    return this.inner.embedDocuments([document]).then((v) => v[0] ?? []);
  }
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir));
});

async function setup(): Promise<{ kbDir: string; cacheDir: string }> {
  const kbDir = await tempKb(SAMPLE_KB);
  const cacheDir = await tempKb({});
  dirs.push(kbDir, cacheDir);
  return { kbDir, cacheDir };
}

describe('index cache', () => {
  it('embeds everything once, then nothing when no article changed', async () => {
    const { kbDir, cacheDir } = await setup();
    const first = await indexKnowledgeBase({ kbDir, cacheDir });
    expect(first.embedded).toBeGreaterThan(0);
    expect(first.reused).toBe(0);

    const embeddings = new CountingEmbeddings();
    const progress: [number, number][] = [];
    const second = await indexKnowledgeBase({
      kbDir,
      cacheDir,
      embeddings,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(second).toMatchObject({ articles: 4, chunks: first.chunks, embedded: 0, reused: first.embedded });
    expect(embeddings.texts).toBe(0);
    expect(progress.at(-1)).toEqual([first.embedded, first.embedded]);
  });

  it('re-embeds only the changed chunks of an edited article', async () => {
    const { kbDir, cacheDir } = await setup();
    const first = await indexKnowledgeBase({ kbDir, cacheDir });
    const file = path.join(kbDir, 'billing/double-charge.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('released automatically', 'released automatically by your bank'));

    const embeddings = new CountingEmbeddings();
    const second = await indexKnowledgeBase({ kbDir, cacheDir, embeddings });
    expect(second.embedded).toBe(1);
    expect(embeddings.texts).toBe(1);
    expect(second.reused).toBe(first.embedded - 1);
  });

  it('re-embeds everything with force and keys the cache by model', async () => {
    const { kbDir, cacheDir } = await setup();
    const first = await indexKnowledgeBase({ kbDir, cacheDir });
    expect((await indexKnowledgeBase({ kbDir, cacheDir, force: true })).embedded).toBe(first.embedded);
    const other = await indexKnowledgeBase({
      kbDir,
      cacheDir,
      embeddings: new LocalHashEmbeddings({ dimension: 256 }),
    });
    expect(other.reused).toBe(0);
  });

  it('starts over when the cache files are corrupt', async () => {
    const { kbDir, cacheDir } = await setup();
    await indexKnowledgeBase({ kbDir, cacheDir });
    const { readdir } = await import('node:fs/promises');
    for (const name of await readdir(cacheDir)) await writeFile(path.join(cacheDir, name), 'garbage');
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_: Record<string, unknown>, message?: string) => warnings.push(message ?? ''),
      error: () => undefined,
      child: () => logger,
    };
    const stats = await indexKnowledgeBase({ kbDir, cacheDir, logger });
    expect(stats.reused).toBe(0);
    expect(warnings).toContain('ignoring unreadable kb index cache');
  });

  it('works with any LangChain embeddings and keeps finished batches when the provider fails', async () => {
    const { kbDir, cacheDir } = await setup();
    const failing = new RemoteLikeEmbeddings();
    failing.failAfterBatches = 0;
    await expect(indexKnowledgeBase({ kbDir, cacheDir, embeddings: failing })).rejects.toBeInstanceOf(
      RetrievalError,
    );

    const remote = new RemoteLikeEmbeddings();
    const retriever = await createLangChainRetriever({ kbDir, cacheDir, embeddings: remote });
    expect(remote.batches.reduce((a, b) => a + b, 0)).toBe(retriever.stats.embedded);
    expect((await retriever.search('reset my password'))[0]?.id).toBe('reset-password');

    const again = new RemoteLikeEmbeddings();
    const stats = await indexKnowledgeBase({ kbDir, cacheDir, embeddings: again });
    expect(again.batches).toEqual([]);
    expect(stats.embedded).toBe(0);
  });
});

import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { RetrievalError } from '../../../src/errors.ts';
import { FlatVectorStore } from '../../../src/knowledge/flat-vector-store.ts';
import { LocalHashEmbeddings } from '../../../src/knowledge/local-hash-embeddings.ts';

describe('flat vector store', () => {
  it('finds the nearest vectors with cosine scores and honours a filter', async () => {
    const store = new FlatVectorStore(new LocalHashEmbeddings());
    await store.addVectors(
      [
        [1, 0, 0],
        [0.6, 0.8, 0],
        [0, 0, 1],
      ],
      ['a', 'b', 'c'].map((id) => new Document({ id, pageContent: id, metadata: { id } })),
    );
    const results = await store.similaritySearchVectorWithScore([1, 0, 0], 2);
    expect(results.map(([d, s]) => [d.id, Number(s.toFixed(2))])).toEqual([
      ['a', 1],
      ['b', 0.6],
    ]);
    const filtered = await store.similaritySearchVectorWithScore([1, 0, 0], 1, (d) => d.id !== 'a');
    expect(filtered[0]?.[0].id).toBe('b');
    expect(store._vectorstoreType()).toBe('switchboard-flat');
  });

  it('embeds documents through LangChain and grows past its first allocation', async () => {
    const store = new FlatVectorStore(new LocalHashEmbeddings({ dimension: 64 }));
    const texts = Array.from({ length: 150 }, (_, i) => `article number ${i} about topic ${i % 7}`);
    await store.addDocuments(texts.map((t) => new Document({ pageContent: t })));
    expect(store.size).toBe(150);
    const [best] = await store.similaritySearch('article number 42 about topic 0', 1);
    expect(best?.pageContent).toBe('article number 42 about topic 0');
    expect(Array.from(store.vectorAt(42))).toEqual(
      Array.from(new LocalHashEmbeddings({ dimension: 64 }).embedDocumentSync(texts[42] ?? '')),
    );
  });

  it('rejects vectors of the wrong dimension', async () => {
    const store = new FlatVectorStore(new LocalHashEmbeddings());
    await store.addVectors([[1, 0]], [new Document({ pageContent: 'x' })]);
    await expect(store.addVectors([[1, 0, 0]], [new Document({ pageContent: 'y' })])).rejects.toBeInstanceOf(
      RetrievalError,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHybridIndex } from '../../../src/knowledge/create-hybrid-index.ts';
import {
  type LangChainRetriever,
  createLangChainRetriever,
} from '../../../src/knowledge/langchain-retriever.ts';
import { DEFAULT_KB_THRESHOLDS, decideKb } from '../../../src/knowledge/thresholds.ts';
import { SAMPLE_KB, removeDir, tempKb } from './kb-fixtures.ts';

describe('hybrid retrieval over a small knowledge base', () => {
  let dir: string;
  let retriever: LangChainRetriever;

  beforeAll(async () => {
    dir = await tempKb(SAMPLE_KB);
    retriever = await createLangChainRetriever({ kbDir: dir, cacheDir: false });
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('reports what it indexed', () => {
    expect(retriever.stats).toMatchObject({ articles: 4, reused: 0 });
    expect(retriever.stats.chunks).toBeGreaterThanOrEqual(9);
  });

  it.each([
    ['how do I reset my password?', 'reset-password'],
    ['I was charged twice this month', 'double-charge'],
    ['where is my parcel', 'track-order'],
    ['when do I get my money back', 'refund-timing'],
    ['pasword reset', 'reset-password'],
  ])('puts the right article first for "%s"', async (query, id) => {
    const hits = await retriever.search(query);
    expect(hits[0]?.id).toBe(id);
  });

  it('returns calibrated scores with citation fields, one hit per article', async () => {
    const hits = await retriever.search('how do I reset my password?', { k: 4 });
    const best = hits[0];
    expect(best).toMatchObject({
      id: 'reset-password',
      title: 'How do I reset my password?',
      url: 'https://help.example.com/articles/reset-password',
    });
    expect(best?.chunkId).toMatch(/^reset-password#\d+$/);
    expect(best?.score).toBeGreaterThanOrEqual(DEFAULT_KB_THRESHOLDS.answer);
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThanOrEqual(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
  });

  it('picks the matching section and reports its heading path', async () => {
    const hits = await retriever.search('how long do card refunds take to appear');
    expect(hits[0]).toMatchObject({ id: 'refund-timing', heading: 'Refunds > Timing' });
  });

  it.each(["what's the weather in Paris", 'tell me a joke', 'how tall is Mount Everest'])(
    'scores the off-topic "%s" below clarify',
    async (query) => {
      const hits = await retriever.search(query);
      expect(hits[0]?.score ?? 0).toBeLessThan(DEFAULT_KB_THRESHOLDS.clarify);
      expect(decideKb(hits[0]?.score)).toBe('unknown');
    },
  );

  it('returns nothing for stopword-only text', async () => {
    expect(await retriever.search('how do I do it, is there a way?')).toEqual([]);
  });

  it('returns every chunk of a chosen article in order, scored 1', async () => {
    const chunks = await retriever.article('refund-timing');
    expect(chunks.map((c) => c.chunkId)).toEqual(['refund-timing#0', 'refund-timing#1', 'refund-timing#2']);
    expect(chunks.every((c) => c.score === 1)).toBe(true);
  });

  it('exposes a LangChain retriever view with the score in metadata', async () => {
    const docs = await retriever.asBaseRetriever(2).invoke('charged twice');
    expect(docs[0]?.metadata).toMatchObject({ articleId: 'double-charge', title: 'I was charged twice' });
    expect(typeof docs[0]?.metadata.score).toBe('number');
  });
});

describe('in-memory hybrid index', () => {
  it('prefers the requested locale when articles exist in it', async () => {
    const index = await createHybridIndex([
      { id: 'en', title: 'Refund policy', text: 'Refunds within 30 days.', locale: 'en' },
      { id: 'es', title: 'Refund policy', text: 'Refunds within 30 days.', locale: 'es' },
    ]);
    expect((await index.search('refund policy', { locale: 'es' }))[0]?.id).toBe('es');
    expect((await index.search('refund policy', { locale: 'fr' })).map((h) => h.id).sort()).toEqual([
      'en',
      'es',
    ]);
  });

  it('lets documents with the same title share title evidence', async () => {
    const index = await createHybridIndex([
      { id: 'a0', title: 'Strikethrough in Markdown', text: 'Use ~~tildes~~.' },
      { id: 'a1', title: 'Strikethrough in Markdown', text: 'The <del> tag works too.' },
      { id: 'b0', title: 'Bold text', text: 'Use two asterisks for bold markdown text.' },
    ]);
    const hits = await index.search('strikethrough markdown', { k: 3 });
    expect(
      hits
        .slice(0, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['a0', 'a1']);
  });
});

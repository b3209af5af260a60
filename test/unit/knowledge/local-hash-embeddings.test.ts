import { describe, expect, it } from 'vitest';
import { LocalHashEmbeddings } from '../../../src/knowledge/local-hash-embeddings.ts';

const norm = (v: readonly number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('local hash embeddings', () => {
  it('is deterministic across instances and L2-normalised at the configured dimension', async () => {
    const a = await new LocalHashEmbeddings({ dimension: 256 }).embedDocuments([
      'Reset your password',
      'Refund timing',
    ]);
    const b = await new LocalHashEmbeddings({ dimension: 256 }).embedDocuments([
      'Reset your password',
      'Refund timing',
    ]);
    expect(a).toEqual(b);
    for (const v of a) {
      expect(v).toHaveLength(256);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('puts related texts and typos closer than unrelated ones', async () => {
    const e = new LocalHashEmbeddings();
    const [doc, other] = await e.embedDocuments(['How do I reset my password?', 'Shipping costs by region']);
    const query = await e.embedQuery('pasword reseting');
    expect(dot(query, doc ?? [])).toBeGreaterThan(0.3);
    expect(dot(query, doc ?? [])).toBeGreaterThan(dot(query, other ?? []) + 0.2);
  });

  it('gives stopword-only text a zero vector instead of a spurious direction', async () => {
    const v = await new LocalHashEmbeddings().embedQuery('how do I do this?');
    expect(norm(v)).toBe(0);
  });

  it('weights queries by corpus IDF once fitted, leaving document vectors unchanged', async () => {
    const e = new LocalHashEmbeddings();
    const before = await e.embedDocuments(['refund policy']);
    e.fit(['refund policy', 'refund timing', 'refund methods', 'password reset']);
    expect(e.fitted).toBe(true);
    expect(await e.embedDocuments(['refund policy'])).toEqual(before);
    const [policy, timing] = await e.embedDocuments(['policy', 'timing']);
    const query = await e.embedQuery('refund policy timing');
    // "refund" is in every document, so the rarer words dominate the query.
    expect(dot(query, policy ?? [])).toBeGreaterThan(0.2);
    expect(dot(query, timing ?? [])).toBeGreaterThan(0.2);
  });

  it('changes its model id when the recipe changes', () => {
    expect(new LocalHashEmbeddings({ dimension: 512 }).modelId).not.toBe(new LocalHashEmbeddings().modelId);
  });
});

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/knowledge/kb-loader.ts';

const root = resolve(import.meta.dirname, '../..');

describe('kb/ starter knowledge base', async () => {
  // The real loader: it throws, naming file and field, on any invalid front matter or duplicate id.
  const articles = await loadKnowledgeBase(resolve(root, 'kb'));

  it('has at least 25 valid articles', () => {
    expect(articles.length).toBeGreaterThanOrEqual(25);
  });

  it('gives every article a unique id, a title, tags and a URL ending in its id', () => {
    for (const { metadata } of articles) {
      expect(metadata.title.length).toBeGreaterThan(0);
      expect(metadata.tags.length).toBeGreaterThan(0);
      expect(new URL(metadata.url).pathname.endsWith(`/${metadata.id}`)).toBe(true);
    }
    expect(new Set(articles.map((a) => a.metadata.id)).size).toBe(articles.length);
  });

  it('covers the topics the product promises', () => {
    const ids = new Set(articles.map((a) => a.metadata.id));
    for (const id of [
      'track-order',
      'delivery-times',
      'return-policy',
      'refund-timing',
      'double-charge',
      'reset-password',
      'two-factor-authentication',
      'delete-account',
      'plans-and-pricing',
      'api-error-codes',
      'api-rate-limits',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });
});

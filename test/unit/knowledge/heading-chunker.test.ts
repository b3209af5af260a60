import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { chunkArticles, splitMarkdownSections } from '../../../src/knowledge/heading-chunker.ts';

describe('heading chunking', () => {
  it('keeps the heading path and drops an H1 that repeats the title', () => {
    const sections = splitMarkdownSections(
      [
        '# Refund policy',
        'Intro.',
        '## Refunds',
        '### Timing',
        'Five days.',
        '## Exchanges',
        'Swap sizes.',
      ].join('\n'),
      'Refund policy',
    );
    expect(sections).toEqual([
      { headingPath: [], text: 'Intro.' },
      { headingPath: ['Refunds', 'Timing'], text: 'Five days.' },
      { headingPath: ['Exchanges'], text: 'Swap sizes.' },
    ]);
  });

  it('ignores headings inside code fences', () => {
    const sections = splitMarkdownSections(['## Example', '```', '# not a heading', '```'].join('\n'));
    expect(sections).toHaveLength(1);
    expect(sections[0]?.text).toContain('# not a heading');
  });

  it('produces chunks with article metadata, heading path and stable chunk ids', async () => {
    const doc = new Document({
      pageContent: ['Summary.', '## Refunds', '### Timing', 'Card refunds take 3 to 10 days.'].join('\n'),
      metadata: {
        id: 'refunds',
        title: 'Refunds',
        url: 'https://e.com/refunds',
        locale: 'en',
        tags: ['billing'],
      },
    });
    const chunks = await chunkArticles([doc]);
    expect(chunks.map((c) => c.metadata.heading)).toEqual(['', 'Refunds > Timing']);
    expect(chunks[1]?.metadata).toEqual({
      articleId: 'refunds',
      title: 'Refunds',
      heading: 'Refunds > Timing',
      url: 'https://e.com/refunds',
      locale: 'en',
      chunkId: 'refunds#1',
      tags: ['billing'],
      questions: [],
    });
    expect(chunks[1]?.pageContent).toBe('Card refunds take 3 to 10 days.');
  });

  it('splits long sections into bounded chunks that share the heading', async () => {
    const sentence = 'Refunds go back to the original payment method within ten business days. ';
    const doc = new Document({
      pageContent: `## Long\n${sentence.repeat(40)}`,
      metadata: { id: 'long', title: 'Long' },
    });
    const chunks = await chunkArticles([doc], { chunkSize: 300, chunkOverlap: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.pageContent.length).toBeLessThanOrEqual(300);
      expect(chunk.metadata.heading).toBe('Long');
      expect(chunk.metadata.locale).toBe('en');
    }
    expect(new Set(chunks.map((c) => c.metadata.chunkId)).size).toBe(chunks.length);
  });
});

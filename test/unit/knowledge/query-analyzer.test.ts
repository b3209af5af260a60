import { describe, expect, it } from 'vitest';
import { QueryAnalyzer } from '../../../src/knowledge/query-analyzer.ts';
import { analyze } from '../../../src/knowledge/text-analysis.ts';

const corpus = [
  'Strikethrough with GitHub Markdown',
  'How to back up your account',
  'Online backup of photos',
];
const known = new Set(corpus.flatMap(analyze));
const analyzer = new QueryAnalyzer(corpus, known);

describe('query analysis', () => {
  it('corrects a typo to a corpus word with a reduced weight', () => {
    const q = analyzer.analyze('stikethrough on github');
    expect(q.terms).toEqual(['strikethrough', 'github']);
    expect(q.weights[0]).toBeLessThan(1);
    expect(q.text).toContain('strikethrough');
  });

  it('joins a split compound the corpus writes as one word', () => {
    expect(analyzer.analyze('git hub markdown').terms).toEqual(['github', 'markdown']);
    expect(analyzer.analyze('on line photos').terms).toEqual(['onlin', 'photo']);
  });

  it('folds everyday synonyms and phrases to one term', () => {
    expect(analyze('remove my e-mail')).toEqual(analyze('delete my email'));
    expect(analyze('I cannot sign in')).toEqual(analyze('login'));
  });

  it('reads "send it back" as return and "pw" as password', () => {
    expect(analyze('how do I send something back')).toEqual(analyze('how do I return'));
    expect(analyze('sent the jacket back')).toEqual(analyze('return jacket'));
    expect(analyze('forgot my pw')).toEqual(analyze('forgot my password'));
    // "back" alone stays a word: "back up", "come back" are not returns.
    expect(analyze('come back later')).toContain('back');
  });

  it('keeps unknown words as evidence that the query is off-topic', () => {
    expect(analyzer.analyze('weather in paris').terms).toEqual(['weather', 'pari']);
  });
});

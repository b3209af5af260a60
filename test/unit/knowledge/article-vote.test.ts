import { describe, expect, it } from 'vitest';
import { ArticleVoter, withVote } from '../../../src/knowledge/article-vote.ts';
import { loadKnowledgeBase } from '../../../src/knowledge/kb-loader.ts';
import type { KbHit } from '../../../src/model/understanding.ts';
import { article, removeDir, tempKb } from './kb-fixtures.ts';

const questions = (...qs: string[]) => `questions:\n${qs.map((q) => `  - "${q}"`).join('\n')}`;

describe('ArticleVoter', () => {
  it("votes for the article whose phrasings the message's way of asking matches", async () => {
    const dir = await tempKb({
      'start.md': article(
        {
          id: 'start-a-return',
          title: 'Start a return',
          extra: questions('how do i send it back', 'where do i print the label', 'how do i start a return'),
        },
        'Open your orders.',
      ),
      'rules.md': article(
        {
          id: 'return-policy',
          title: 'Return policy',
          extra: questions(
            'can i still return it',
            'is it too late to return',
            'am i allowed to return opened items',
          ),
        },
        'Thirty days.',
      ),
    });
    try {
      const voter = ArticleVoter.train(await loadKnowledgeBase(dir));
      expect(voter?.vote('how do i send this back')?.id).toBe('start-a-return');
      expect(voter?.vote('is it too late to return my shoes')?.id).toBe('return-policy');
    } finally {
      await removeDir(dir);
    }
  });

  it('has nothing to vote on without phrasings (collections such as the public eval sets)', async () => {
    const dir = await tempKb({
      'a.md': article({ id: 'a', title: 'A' }, 'Alpha.'),
      'b.md': article({ id: 'b', title: 'B' }, 'Beta.'),
    });
    try {
      expect(ArticleVoter.train(await loadKnowledgeBase(dir))).toBeNull();
    } finally {
      await removeDir(dir);
    }
  });
});

describe('withVote', () => {
  const hit = (id: string): KbHit => ({ id, chunkId: `${id}#0`, title: id, text: id, score: 0.5 });
  it('marks only the voted article, and nothing when it was not retrieved', () => {
    expect(withVote([hit('a'), hit('b')], { id: 'b', probability: 0.8 }).map((h) => h.vote)).toEqual([
      undefined,
      0.8,
    ]);
    expect(withVote([hit('a')], { id: 'z', probability: 0.8 }).map((h) => h.vote)).toEqual([undefined]);
    expect(withVote([hit('a')], null).map((h) => h.vote)).toEqual([undefined]);
  });
});

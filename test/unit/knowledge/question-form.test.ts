import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LangChainRetriever,
  createLangChainRetriever,
} from '../../../src/knowledge/langchain-retriever.ts';
import { questionForm } from '../../../src/knowledge/question-form.ts';
import { article, removeDir, tempKb } from './kb-fixtures.ts';

describe('questionForm', () => {
  it.each([
    ['how do i send something back, cant find where', 'steps'],
    ['where can I drop off the parcel', 'steps'],
    ['how much does it cost to send it back', 'cost'],
    ['is there a fee for the label', 'cost'],
    ['how long do i have to return it', 'time'],
    ['can i return opened earbuds', 'permission'],
    ['am I allowed to return sale items?', 'permission'],
    ['my parcel is lost', null],
  ])('"%s" asks for %s', (text, form) => {
    expect(questionForm(text)).toBe(form);
  });
});

describe('customer phrasings of the same form as the query', () => {
  let dir: string;
  let retriever: LangChainRetriever;

  // Two neighbouring articles whose phrasings share their words and differ only in what they ask.
  beforeAll(async () => {
    dir = await tempKb({
      'steps.md': article(
        { id: 'start-a-return', title: 'Returns A', extra: 'questions:\n  - "how do i return an item"' },
        'Open your orders and choose the item.',
      ),
      'rules.md': article(
        { id: 'return-rules', title: 'Returns B', extra: 'questions:\n  - "can i return an item"' },
        'Open your orders and choose the item.',
      ),
    });
    retriever = await createLangChainRetriever({ kbDir: dir, cacheDir: false });
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('count a little more, so the article that answers that kind of question ranks first', async () => {
    expect((await retriever.search('how do I return this item'))[0]?.id).toBe('start-a-return');
    expect((await retriever.search('can I return this item'))[0]?.id).toBe('return-rules');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { KbValidationError } from '../../../src/errors.ts';
import { parseArticle } from '../../../src/knowledge/front-matter.ts';
import { loadKnowledgeBase } from '../../../src/knowledge/kb-loader.ts';
import { article, removeDir, tempKb } from './kb-fixtures.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir));
});

async function loadError(files: Record<string, string>): Promise<KbValidationError> {
  const dir = await tempKb(files);
  dirs.push(dir);
  const error = await loadKnowledgeBase(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KbValidationError);
  return error as KbValidationError;
}

describe('knowledge-base loading', () => {
  it('loads nested articles as documents with validated metadata and a default locale', async () => {
    const dir = await tempKb({
      'a/one.md': article({ id: 'one', title: 'One', tags: '[x, 401]' }, 'Body one.'),
      'b/c/two.md': article({ id: 'two', title: 'Two', extra: 'locale: pt-BR' }, 'Body two.'),
      'README.md': '# not an article',
    });
    dirs.push(dir);
    const docs = await loadKnowledgeBase(dir);
    expect(docs.map((d) => d.metadata.id)).toEqual(['one', 'two']);
    expect(docs[0]?.metadata).toMatchObject({
      title: 'One',
      tags: ['x', '401'],
      locale: 'en',
      source: 'a/one.md',
    });
    expect(docs[1]?.metadata.locale).toBe('pt-BR');
    expect(docs[0]?.pageContent.trim()).toBe('Body one.');
  });

  it.each([
    ['missing front matter', '# Just markdown', 'front matter'],
    ['an unclosed block', '---\nid: x\ntitle: X\n', 'front matter'],
    ['invalid YAML', '---\nid: [unclosed\n---\nbody', 'front matter'],
    ['a missing title', '---\nid: x\ntags: [a]\nurl: https://e.com/x\n---\nbody', 'title'],
    [
      'tags that are not a list',
      '---\nid: x\ntitle: X\ntags: billing\nurl: https://e.com/x\n---\nbody',
      'tags',
    ],
    ['a bad url', '---\nid: x\ntitle: X\ntags: [a]\nurl: not a url\n---\nbody', 'url'],
    ['an empty id', '---\nid: ""\ntitle: X\ntags: [a]\nurl: https://e.com/x\n---\nbody', 'id'],
    [
      'a bad locale',
      '---\nid: x\ntitle: X\ntags: [a]\nurl: https://e.com/x\nlocale: english!\n---\nbody',
      'locale',
    ],
  ])('names the file and the field for %s', async (_, content, field) => {
    const error = await loadError({ 'billing/broken.md': content });
    expect(error.field).toBe(field);
    expect(error.file).toMatch(/billing[/\\]broken\.md$/);
    expect(error.message).toContain('broken.md');
    expect(error.message).toContain(field);
  });

  it('rejects duplicate ids naming both files', async () => {
    const error = await loadError({
      'a.md': article({ id: 'same', title: 'A' }, 'a'),
      'b.md': article({ id: 'same', title: 'B' }, 'b'),
    });
    expect(error.field).toBe('id');
    expect(error.file).toMatch(/b\.md$/);
    expect(error.message).toMatch(/a\.md/);
  });

  it('reports a missing required field as required', () => {
    expect(() => parseArticle('x.md', '---\nid: x\ntitle: X\nurl: /help/x\n---\n')).toThrow(
      /x\.md: front matter field "tags" is required/,
    );
  });
});

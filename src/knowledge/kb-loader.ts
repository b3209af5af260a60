import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { KbValidationError, RetrievalError } from '../errors.ts';
import { parseArticle } from './front-matter.ts';

/** Metadata of an article `Document` as loaded from `kb/`. */
export interface ArticleMetadata {
  readonly id: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly url: string;
  readonly locale: string;
  /** Intents this article answers (front matter `intents`), empty when none. */
  readonly intents: readonly string[];
  /** Customer phrasings of the question the article answers (front matter `questions`). */
  readonly questions: readonly string[];
  /** Path of the markdown file relative to the knowledge-base folder, `/`-separated. */
  readonly source: string;
}

/** One article: markdown body as `pageContent`, validated front matter as metadata. */
export type ArticleDocument = Document<ArticleMetadata>;

const MARKDOWN = /\.(md|markdown)$/i;

/** Markdown files under `dir`, recursively, in a stable order so ids and chunk order are reproducible. */
export async function listMarkdownFiles(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new RetrievalError(`cannot read knowledge-base folder ${dir}`, { cause: error });
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listMarkdownFiles(full)));
    else if (entry.isFile() && MARKDOWN.test(entry.name) && !/^readme\.md$/i.test(entry.name))
      files.push(full);
  }
  return files;
}

/**
 * Loads every markdown article under `kbDir` (nested folders allowed) as LangChain documents.
 * A `README.md` is skipped so the folder can document itself.
 * @throws KbValidationError for missing or invalid front matter and for duplicate ids, naming the file.
 */
export async function loadKnowledgeBase(kbDir: string): Promise<ArticleDocument[]> {
  const files = await listMarkdownFiles(kbDir);
  const byId = new Map<string, string>();
  const documents: ArticleDocument[] = [];
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const { frontMatter, body } = parseArticle(shown, await readFile(file, 'utf8'));
    const previous = byId.get(frontMatter.id);
    if (previous !== undefined) {
      throw new KbValidationError(shown, 'id', `"${frontMatter.id}" is already used by ${previous}`);
    }
    byId.set(frontMatter.id, shown);
    documents.push(
      new Document<ArticleMetadata>({
        id: frontMatter.id,
        pageContent: body,
        metadata: { ...frontMatter, source: path.relative(kbDir, file).split(path.sep).join('/') },
      }),
    );
  }
  return documents;
}

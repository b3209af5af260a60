import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

/** What chunking needs from an article's metadata; `kb/` articles and in-memory docs both fit. */
export interface ChunkableMetadata {
  readonly id: string;
  readonly title: string;
  readonly url?: string;
  readonly locale?: string;
  readonly tags?: readonly string[];
  readonly questions?: readonly string[];
}

/** Metadata carried by every chunk; enough to cite the article and show where in it the text came from. */
export interface ChunkMetadata {
  readonly articleId: string;
  readonly title: string;
  /** Heading path inside the article, e.g. `Refunds > Timing`; empty for text before the first heading. */
  readonly heading: string;
  readonly url?: string;
  readonly locale: string;
  readonly chunkId: string;
  readonly tags: readonly string[];
  /** The article's customer phrasings (front matter `questions`), empty when none. */
  readonly questions: readonly string[];
}

/** A section (or part of a long section) of an article. */
export type ChunkDocument = Document<ChunkMetadata>;

/** Size limits for sections; sections longer than `chunkSize` characters are split further. */
export interface ChunkingOptions {
  readonly chunkSize?: number;
  readonly chunkOverlap?: number;
}

/** One markdown section: its heading path and the text under it (headings excluded). */
export interface MarkdownSection {
  readonly headingPath: readonly string[];
  readonly text: string;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^(```|~~~)/;

/**
 * Splits markdown into sections at ATX headings, tracking the heading path.
 * A level-1 heading repeating the article title is dropped from the path because the title is
 * already shown with every hit. Headings inside fenced code blocks are ignored.
 */
export function splitMarkdownSections(markdown: string, title = ''): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  const stack: { level: number; text: string }[] = [];
  let buffer: string[] = [];
  let inFence = false;
  const flush = (): void => {
    const text = buffer.join('\n').trim();
    if (text.length > 0) sections.push({ headingPath: stack.map((h) => h.text), text });
    buffer = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (FENCE.test(line.trim())) inFence = !inFence;
    const match = inFence ? null : HEADING.exec(line);
    if (!match) {
      buffer.push(line);
      continue;
    }
    flush();
    const level = (match[1] ?? '#').length;
    const text = (match[2] ?? '').trim();
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    if (level === 1 && text.toLowerCase() === title.trim().toLowerCase()) continue;
    stack.push({ level, text });
  }
  flush();
  return sections;
}

/**
 * Chunks articles by heading, then splits long sections with LangChain's
 * `RecursiveCharacterTextSplitter` (paragraph, line, sentence, word boundaries in that order),
 * so each chunk is one answerable topic and stays small enough to quote in a chat message.
 */
export async function chunkArticles(
  articles: readonly Document<ChunkableMetadata>[],
  options: ChunkingOptions = {},
): Promise<ChunkDocument[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.chunkSize ?? 1200,
    chunkOverlap: options.chunkOverlap ?? 150,
    separators: ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ', ''],
  });
  const chunks: ChunkDocument[] = [];
  for (const article of articles) {
    const meta = article.metadata;
    let index = 0;
    for (const section of splitMarkdownSections(article.pageContent, meta.title)) {
      const heading = section.headingPath.join(' > ');
      const parts =
        section.text.length > splitter.chunkSize ? await splitter.splitText(section.text) : [section.text];
      for (const part of parts) {
        const chunkId = `${meta.id}#${index++}`;
        chunks.push(
          new Document<ChunkMetadata>({
            id: chunkId,
            pageContent: part.trim(),
            metadata: {
              articleId: meta.id,
              title: meta.title,
              heading,
              ...(meta.url !== undefined ? { url: meta.url } : {}),
              locale: meta.locale ?? 'en',
              chunkId,
              tags: meta.tags ?? [],
              questions: meta.questions ?? [],
            },
          }),
        );
      }
    }
  }
  return chunks;
}

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KbValidationError } from '../errors.ts';

/** Validated front matter of one knowledge-base article. */
export interface ArticleFrontMatter {
  readonly id: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly url: string;
  /** BCP-47-ish language code; `en` when the article does not say. */
  readonly locale: string;
  /**
   * Intents (names from the intents file) this article answers: when the classifier recognises
   * one of them confidently, retrieval favours the articles that name it. Empty when none.
   */
  readonly intents: readonly string[];
  /**
   * How customers ask for this article, in their own words. Indexed with the title, so short and
   * informal questions find the article even when they share no word with its body.
   */
  readonly questions: readonly string[];
}

const nonEmpty = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) })
    .trim()
    .min(1, { error: 'must not be empty' });

const frontMatterSchema = z.object({
  id: nonEmpty('a string').regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, {
    error: 'must contain only letters, digits, ".", "_", "-" or "/"',
  }),
  title: nonEmpty('a string'),
  // YAML reads `[api, 401]` as a string and a number; a numeric tag is still a tag.
  tags: z.array(
    z
      .union([z.string(), z.number()], { error: 'must contain only strings' })
      .transform((tag) => String(tag).trim())
      .pipe(z.string().min(1, { error: 'must not hold empty tags' })),
    {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of strings'),
    },
  ),
  url: nonEmpty('a string').refine((value) => value.startsWith('/') || isHttpUrl(value), {
    error: 'must be an absolute http(s) URL or a site path starting with "/"',
  }),
  locale: nonEmpty('a string')
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
      error: 'must be a language code such as "en" or "pt-BR"',
    })
    .optional(),
  intents: z
    .array(
      z.string({ error: 'must contain only intent names' }).regex(/^[a-z][a-z0-9_]*$/, {
        error: 'must contain snake_case intent names such as "order_status"',
      }),
      { error: 'must be a list of intent names' },
    )
    .optional(),
  questions: z
    .array(
      z
        .string({ error: 'must contain only strings' })
        .trim()
        .min(1, { error: 'must not hold empty questions' }),
      {
        error: 'must be a list of questions',
      },
    )
    .optional(),
});

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A markdown file split into its validated front matter and its body. */
export interface ParsedArticle {
  readonly frontMatter: ArticleFrontMatter;
  readonly body: string;
}

const FENCE = /^---[ \t]*$/;

/**
 * Splits `---` YAML front matter from a markdown body and validates it.
 * Parsed by hand with `yaml` (no gray-matter) so errors can name the exact file and field.
 * @param file shown in errors; pass the path the author will recognise.
 * @throws KbValidationError naming `file` and the offending field.
 */
export function parseArticle(file: string, source: string): ParsedArticle {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) {
    throw new KbValidationError(file, 'front matter', 'is missing: the file must start with a "---" line');
  }
  const end = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (end < 0) throw new KbValidationError(file, 'front matter', 'is not closed by a "---" line');
  let data: unknown;
  try {
    data = parseYaml(lines.slice(1, end).join('\n'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new KbValidationError(file, 'front matter', `is not valid YAML (${reason})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new KbValidationError(file, 'front matter', 'must be a YAML mapping of fields');
  }
  const result = frontMatterSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'front matter';
    const topField = issue?.path[0] !== undefined ? String(issue.path[0]) : field;
    throw new KbValidationError(file, topField, issue?.message ?? 'is invalid');
  }
  const { id, title, tags, url, locale, intents, questions } = result.data;
  return {
    frontMatter: {
      id,
      title,
      tags,
      url,
      locale: locale ?? 'en',
      intents: intents ?? [],
      questions: questions ?? [],
    },
    body: lines.slice(end + 1).join('\n'),
  };
}

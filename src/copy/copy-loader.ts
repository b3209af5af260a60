/**
 * Loads the per-locale copy files (`kb/copy/en.yml`, `es.yml`, ...) once at startup and answers
 * `copyFor(locale)`. English is the reference: it must hold every key, and every other locale may
 * leave keys out (they fall back to English per key) but may not invent keys or placeholders, so a
 * typo in a file that support staff edit stops startup with the file and key named instead of
 * showing a customer a raw `{backAt}` or an English sentence by accident.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BotError } from '../errors.ts';
import type { Copy, CopyFor } from '../ports/copy.ts';

/** The reference locale: the only file that must exist and must be complete. */
export const REFERENCE_LOCALE = 'en';

/** A copy file is missing, unreadable or invalid; the message names the file and the key. */
export class CopyFileError extends BotError {
  readonly file: string;
  readonly key: string | null;
  constructor(file: string, key: string | null, problem: string, options?: { cause?: unknown }) {
    super('config_invalid', `${file}${key ? `: ${key}` : ''}: ${problem}`, options);
    this.file = file;
    this.key = key;
  }
}

type CopyTexts = Omit<Copy, 'locale'>;

export const COPY_TEXT_KEYS = [
  'greeting',
  'thanks',
  'goodbye',
  'unknown',
  'clarify',
  'handoff',
  'handoffAfterHours',
  'handoffLanguage',
  'apology',
  'complaint',
  'complaintHandoff',
  'resolved',
  'ratingRequest',
  'ratingThanks',
  'unsupported',
  'dismissed',
  'offTopic',
  'flowReminder',
  'flowDropped',
  'cancelled',
  'nothingToCancel',
  'deskDown',
  'deliveryFailed',
  'answerTruncated',
] as const satisfies readonly (keyof CopyTexts)[];

const CHOICE_KEYS = [
  'handoff',
  'dismiss',
  'none',
  'continueFlow',
  'cancelFlow',
  'ratingGood',
  'ratingBad',
] as const satisfies readonly (keyof Copy['choices'])[];

const LOCALE_FILE = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})*)\.ya?ml$/i;

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as string));
}

function text(file: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CopyFileError(file, key, 'must be a non-empty string');
  }
  return value.trim();
}

/** Reads one file into a partial copy, checking shapes and unknown keys (not completeness). */
function readCopyFile(file: string): Partial<CopyTexts> & { choices?: Partial<Copy['choices']> } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new CopyFileError(file, null, `cannot read copy file (${reason})`, { cause: error });
  }
  if (raw === null || raw === undefined) return {};
  if (!isRecord(raw)) throw new CopyFileError(file, null, 'must be a YAML mapping of keys to sentences');
  const out: Raw = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((COPY_TEXT_KEYS as readonly string[]).includes(key)) {
      out[key] = text(file, key, value);
    } else if (key === 'choices') {
      if (!isRecord(value)) throw new CopyFileError(file, key, 'must be a mapping of choice labels');
      const choices: Raw = {};
      for (const [choice, label] of Object.entries(value)) {
        if (!(CHOICE_KEYS as readonly string[]).includes(choice))
          throw new CopyFileError(file, `choices.${choice}`, 'is not a known choice label');
        choices[choice] = text(file, `choices.${choice}`, label);
      }
      out.choices = choices;
    } else if (key === 'flows') {
      if (!isRecord(value)) throw new CopyFileError(file, key, 'must be a mapping of flow id to a name');
      out.flows = Object.fromEntries(
        Object.entries(value).map(([flow, name]) => [flow, text(file, `flows.${flow}`, name)]),
      );
    } else if (key === 'topics') {
      if (!Array.isArray(value) || value.length === 0)
        throw new CopyFileError(file, key, 'must be a non-empty list of {label, article}');
      out.topics = value.map((topic, i) => {
        if (!isRecord(topic))
          throw new CopyFileError(file, `topics[${i}]`, 'must have a label and an article');
        return {
          label: text(file, `topics[${i}].label`, topic.label),
          article: text(file, `topics[${i}].article`, topic.article),
        };
      });
    } else {
      throw new CopyFileError(file, key, 'is not a known copy key');
    }
  }
  return out as Partial<CopyTexts> & { choices?: Partial<Copy['choices']> };
}

/** The English file must say everything: returns it complete or throws naming the first gap. */
function completeReference(file: string, partial: ReturnType<typeof readCopyFile>): CopyTexts {
  for (const key of COPY_TEXT_KEYS) {
    if (partial[key] === undefined) throw new CopyFileError(file, key, 'is missing');
  }
  for (const key of CHOICE_KEYS) {
    if (partial.choices?.[key] === undefined) throw new CopyFileError(file, `choices.${key}`, 'is missing');
  }
  if (partial.flows === undefined) throw new CopyFileError(file, 'flows', 'is missing');
  if (partial.topics === undefined) throw new CopyFileError(file, 'topics', 'is missing');
  return partial as CopyTexts;
}

/** A translation may only use placeholders the English sentence has. */
function checkPlaceholders(
  file: string,
  reference: CopyTexts,
  partial: ReturnType<typeof readCopyFile>,
): void {
  for (const key of COPY_TEXT_KEYS) {
    const value = partial[key];
    if (value === undefined) continue;
    const allowed = placeholders(reference[key]);
    for (const name of placeholders(value)) {
      if (!allowed.has(name)) {
        throw new CopyFileError(file, key, `uses {${name}}, which the English text does not have`);
      }
    }
  }
}

function merge(locale: string, reference: CopyTexts, partial: ReturnType<typeof readCopyFile>): Copy {
  return Object.freeze({
    ...reference,
    ...partial,
    locale,
    choices: Object.freeze({ ...reference.choices, ...partial.choices }),
    flows: Object.freeze({ ...reference.flows, ...partial.flows }),
    topics: Object.freeze([...(partial.topics ?? reference.topics)]),
  }) as Copy;
}

/**
 * Reads every `<locale>.yml` in `dir` and returns `copyFor(locale)`: `pt-BR` finds `pt-BR.yml`,
 * else `pt.yml`, else English; `und` and unknown locales get English.
 * @throws CopyFileError when `en.yml` is missing or lacks a key, or any file has an unknown key,
 * a non-text value or a placeholder the English text does not have.
 */
export function createCopy(dir: string): CopyFor {
  const referenceFile = path.join(dir, `${REFERENCE_LOCALE}.yml`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new CopyFileError(dir, null, 'cannot read the copy folder', { cause: error });
  }
  if (!names.includes(`${REFERENCE_LOCALE}.yml`)) {
    throw new CopyFileError(referenceFile, null, 'is missing: the English copy file is required');
  }
  const reference = completeReference(referenceFile, readCopyFile(referenceFile));
  const byLocale = new Map<string, Copy>([[REFERENCE_LOCALE, merge(REFERENCE_LOCALE, reference, {})]]);
  for (const name of names.sort()) {
    const match = LOCALE_FILE.exec(name);
    if (!match || name === `${REFERENCE_LOCALE}.yml`) continue;
    const locale = (match[1] as string).toLowerCase();
    const file = path.join(dir, name);
    const partial = readCopyFile(file);
    checkPlaceholders(file, reference, partial);
    byLocale.set(locale, merge(locale, reference, partial));
  }
  const english = byLocale.get(REFERENCE_LOCALE) as Copy;
  return (locale) => {
    const wanted = (locale ?? '').toLowerCase();
    return byLocale.get(wanted) ?? byLocale.get(wanted.split('-')[0] ?? '') ?? english;
  };
}

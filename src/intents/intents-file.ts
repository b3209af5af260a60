/**
 * Loader for the bot's own intents file (`nlu/intents.yml`): intent names,
 * descriptions and example phrasings, plus out-of-scope examples. The local
 * classifier trains on the examples; the LLM classifier reads the
 * descriptions. Validation is strict and every error names the file and the
 * offending entry, because the people editing this file are support staff,
 * not developers.
 */

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BotError } from '../errors.ts';

/** One intent as declared in the file. */
export interface IntentDefinition {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
}

/** The parsed file, flattened for training. */
export interface IntentsFile {
  /** Every example as a labelled row, in file order. */
  readonly examples: readonly { readonly text: string; readonly label: string }[];
  /** Texts that belong to no intent; used to learn and calibrate "out of scope". */
  readonly oosExamples: readonly string[];
  /** Other companies' services customers mention ("amazon", "netflix"): such messages are off-topic. */
  readonly otherServices: readonly string[];
  readonly intents: readonly IntentDefinition[];
}

const phrase = z.string().trim().min(1, 'must not be empty');

const intentSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (lower-case letters, digits and _), e.g. order_status'),
  description: phrase,
  examples: z
    .array(phrase, { message: 'must be a list of example phrasings' })
    .min(1, 'needs at least one example'),
});

const fileSchema = z.strictObject({
  intents: z
    .array(intentSchema, { message: 'must be a list of intents' })
    .min(1, 'needs at least one intent'),
  out_of_scope: z.array(phrase, { message: 'must be a list of phrasings' }).default([]),
  other_services: z.array(phrase, { message: 'must be a list of company or service names' }).default([]),
});

/**
 * Thrown for an unreadable, malformed or invalid intents file; the message
 * names the file and entry. Code `config_invalid`: like a bad environment
 * variable, it must stop startup.
 */
export class IntentsFileError extends BotError {
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('config_invalid', `${path}: ${problem}`, options);
    this.path = path;
  }
}

/** Renders a zod issue path like `intents[3] (refund_status).examples[2]`. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      // Naming the intent saves the editor counting list items.
      if (out.startsWith('intents[') && out.indexOf(']') === out.length - 1) {
        const name = (node as { name?: unknown } | undefined)?.name;
        if (typeof name === 'string') out += ` (${name})`;
      }
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
      node =
        node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
  }
  return out === '' ? '(top level)' : out;
}

/**
 * Parses and validates intents-file text. `path` is only used in error
 * messages. Besides the schema it rejects duplicate intent names and the same
 * phrasing (case-insensitive) under two intents or both in an intent and in
 * `out_of_scope`, since either silently teaches the classifier a contradiction.
 *
 * @throws IntentsFileError naming the file and the bad entry.
 */
export function parseIntentsFile(source: string, path: string): IntentsFile {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new IntentsFileError(path, `invalid YAML: ${(error as Error).message}`, { cause: error });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${describePath(issue.path, raw)}: ${issue.message}`);
    throw new IntentsFileError(path, `invalid intents file:\n  - ${problems.join('\n  - ')}`);
  }
  const { intents, out_of_scope: outOfScope, other_services: otherServices } = parsed.data;

  const problems: string[] = [];
  const seenNames = new Set<string>();
  const owner = new Map<string, string>();
  const claim = (text: string, where: string): void => {
    const key = text.toLowerCase().replace(/\s+/g, ' ');
    const previous = owner.get(key);
    if (previous === undefined) owner.set(key, where);
    else if (previous !== where) problems.push(`"${text}" appears under both ${previous} and ${where}`);
  };
  intents.forEach((intent, index) => {
    if (seenNames.has(intent.name))
      problems.push(`intents[${index}] (${intent.name}): duplicate intent name`);
    seenNames.add(intent.name);
    for (const example of intent.examples) claim(example, intent.name);
  });
  for (const example of outOfScope) claim(example, 'out_of_scope');
  if (problems.length > 0)
    throw new IntentsFileError(path, `invalid intents file:\n  - ${problems.join('\n  - ')}`);

  return {
    intents: intents.map((i) => ({ name: i.name, description: i.description, examples: i.examples })),
    examples: intents.flatMap((i) => i.examples.map((text) => ({ text, label: i.name }))),
    oosExamples: outOfScope,
    otherServices,
  };
}

/**
 * Reads and validates an intents file (see `nlu/README.md` for the format).
 * Synchronous because it runs once at startup, before anything is served.
 *
 * @throws IntentsFileError when the file is missing, not YAML or invalid.
 */
export function loadIntentsFile(path: string): IntentsFile {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IntentsFileError(path, `cannot read intents file: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseIntentsFile(source, path);
}

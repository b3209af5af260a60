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
  if (guess !== 'en' && english >= Math.max(2, Math.ceil(words.length / 2))) return 'en';
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

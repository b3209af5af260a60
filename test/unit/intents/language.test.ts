import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/intents/language.ts';
import { historyLanguage } from '../../../src/intents/local/local-intent-classifier.ts';
import { detectSignals } from '../../../src/intents/signals.ts';

describe('detectLanguage (eld, offline, plus chat corrections)', () => {
  it.each([
    ['¿me pueden ayudar con una devolución?', 'es'],
    ['necesito cambiar la dirección de envío', 'es'],
    ['meine Lieferung ist noch nicht angekommen', 'de'],
    ['wie ändere ich meine E-Mail-Adresse', 'de'],
    ["je n'arrive pas à me connecter à mon compte", 'fr'],
    ['quand vais-je recevoir mon remboursement', 'fr'],
    ['a minha encomenda ainda não chegou', 'pt'],
    ['como altero o meu endereço de email', 'pt'],
    ['my parcel never came!!', 'en'],
    ['do u ship to canada', 'en'],
    ['can i pay w paypal', 'en'],
  ])('"%s" is %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each([
    ['hola', 'es'],
    ['danke', 'de'],
    ['merci', 'fr'],
    ['oi', 'pt'],
    ['hi', 'en'],
    ['agent', 'en'],
  ])('decides one-word greetings and requests from a lexicon: "%s" is %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('keeps English for an English sentence with a foreign greeting in it', () => {
    expect(detectLanguage('hola im having trouble logging in')).toBe('en');
  });

  it('says und when there is nothing to read', () => {
    expect(detectLanguage('12345')).toBe('und');
    expect(detectLanguage('?!')).toBe('und');
    expect(detectLanguage('ok')).toBe('und');
  });

  it('does not call gibberish a foreign language (that would hand it to a person)', () => {
    for (const text of ['zebra quantum', 'purple elephant', 'asdf qwer']) {
      expect(['en', 'und']).toContain(detectLanguage(text));
    }
  });

  it('reads the language off its spelling when the text is too short for n-grams', () => {
    expect(detectLanguage('¿aceptan paypal?')).toBe('es');
  });
});

describe('language of a conversation', () => {
  it('keeps the conversation language for a message that shows none', () => {
    expect(detectSignals('A12345', 'es').language).toBe('es');
    expect(detectSignals('ok', 'de').language).toBe('de');
    expect(detectSignals('where is my order', 'es').language).toBe('en');
  });

  it('reads it from the latest customer message that shows one', () => {
    expect(
      historyLanguage({
        text: '2',
        history: [
          { role: 'customer', text: 'hola, necesito ayuda con mi pedido', at: 1 },
          { role: 'bot', text: 'What is your order number?', at: 2 },
          { role: 'customer', text: 'A12345', at: 3 },
        ],
      }),
    ).toBe('es');
  });
});

describe('complaint signal', () => {
  it.each([
    'worst service ever, I want my money back NOW',
    'I want to file a complaint',
    'you guys are useless',
    'this is absolutely ridiculous',
    "i'm fed up with this company",
    'your delivery driver was rude',
    'never ordering from you again',
  ])('flags "%s"', (text) => {
    expect(detectSignals(text).complaint).toBe(true);
  });

  it.each([
    'how do I cancel my order',
    'my parcel is late, where is it?',
    'the item arrived damaged',
    'can I return something I opened',
  ])('does not flag a plain support question: "%s"', (text) => {
    expect(detectSignals(text).complaint).toBe(false);
  });
});

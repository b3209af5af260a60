import { describe, expect, it } from 'vitest';
import { detectSignals } from '../../../src/intents/signals.ts';

describe('detectSignals: humanRequested', () => {
  it.each([
    'I want to talk to a person',
    'talk to a person please',
    'Can I speak to an agent?',
    'speak to an agent',
    'real human please',
    'is there a real human I can talk to',
    'connect me with a live agent',
    'I need a human',
    'get me a representative',
    'let me speak to your manager',
    'transfer me to customer service',
    'can I chat with someone real?',
    'agent',
    'Human please!',
    "i don't want to talk to a bot, I want a person",
  ])('detects "%s"', (text) => {
    expect(detectSignals(text).humanRequested).toBe(true);
  });

  it.each([
    'a person charged me twice',
    'someone used my card without permission',
    'the delivery agent was rude',
    'where is my order?',
    "I don't want to talk to a human, just tell me the price",
    'my person-to-person transfer failed',
    'are refunds handled by a human or automatically?',
  ])('does not trigger on "%s"', (text) => {
    expect(detectSignals(text).humanRequested).toBe(false);
  });
});

describe('detectSignals: sentiment', () => {
  it('reads negative, neutral and positive messages', () => {
    expect(detectSignals('this is terrible, worst service ever').sentiment).toBe('negative');
    expect(detectSignals('I am not happy with this').sentiment).toBe('negative');
    expect(detectSignals('where is my order?').sentiment).toBe('neutral');
    expect(detectSignals('thanks a lot, that was great').sentiment).toBe('positive');
  });
});

describe('detectSignals: urgency', () => {
  it('is high for urgent words, many exclamation marks or shouting', () => {
    expect(detectSignals('I need this fixed ASAP').urgency).toBe('high');
    expect(detectSignals('please help right now').urgency).toBe('high');
    expect(detectSignals('my account was hacked!!!').urgency).toBe('high');
    expect(detectSignals('WHERE IS MY REFUND').urgency).toBe('high');
  });

  it('is low when the customer says there is no rush, normal otherwise', () => {
    expect(detectSignals('no rush, whenever you get a chance').urgency).toBe('low');
    expect(detectSignals('not urgent but how do I change my email').urgency).toBe('low');
    expect(detectSignals('how do I change my email').urgency).toBe('normal');
  });
});

describe('detectSignals: language', () => {
  it.each([
    ['where is my order?', 'en'],
    ['hola, ¿dónde está mi pedido?', 'es'],
    ['bonjour, je veux annuler mon abonnement', 'fr'],
    ['hallo, ich habe mein Passwort vergessen', 'de'],
    ['olá, preciso de ajuda com a minha conta', 'pt'],
    ['ciao, vorrei un rimborso per il mio ordine', 'it'],
    ['12345 ???', 'und'],
  ])('%s → %s', (text, language) => {
    expect(detectSignals(text).language).toBe(language);
  });
});

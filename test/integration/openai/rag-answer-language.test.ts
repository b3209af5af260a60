import { describe, expect, it } from 'vitest';
import {
  createRagAnswerGenerator,
  languageInstruction,
} from '../../../src/knowledge/llm/rag-answer-generator.ts';
import type { KbAnswer, KbHit } from '../../../src/model/understanding.ts';
import type { AnswerGenerator } from '../../../src/ports/knowledge-retriever.ts';
import { API_KEY, OPENAI_BASE_URL, chatCompletion, interceptChat } from './openai-fixtures.ts';

const HITS: readonly KbHit[] = [
  {
    id: 'reset-password',
    chunkId: 'reset-password#0',
    title: 'How do I reset my password?',
    url: 'https://help.brightcart.example/articles/reset-password',
    text: 'Click **Forgot password?** on the sign-in page and we email you a reset link valid for 60 minutes.',
    score: 0.9,
  },
];

const unused: AnswerGenerator = {
  answer: async (): Promise<KbAnswer> => ({ text: 'local', citations: [], grounded: false, source: 'local' }),
};

const generator = () =>
  createRagAnswerGenerator({
    apiKey: API_KEY,
    baseURL: OPENAI_BASE_URL,
    model: 'gpt-4o-mini',
    timeoutMs: 2_000,
    maxRetries: 0,
    fallback: unused,
  });

describe('RAG answers in the customer language (OpenAI through nock)', () => {
  it('asks for the answer in Spanish for a Spanish question, from the English articles', async () => {
    const chat = interceptChat(
      200,
      chatCompletion(
        'Pulsa Forgot password? en la página de inicio de sesión y te enviamos un enlace válido durante 60 minutos [1].',
      ),
    );
    const answer = await generator().answer({ question: '¿cómo cambio mi contraseña?', hits: HITS });
    const [system, user] = chat.body().messages;
    expect(system?.content).toContain('Reply in Spanish, the customer');
    expect(system?.content).toContain('keep product names, menu paths');
    expect(system?.content).toMatch(/never tell the customer to contact support/);
    expect(user?.content).toContain('Customer question: ¿cómo cambio mi contraseña?');
    expect(answer).toMatchObject({
      text: expect.stringMatching(/^Pulsa Forgot password\? .* \[1\]\.$/),
      citations: [{ id: 'reset-password' }],
      grounded: true,
      source: 'llm',
    });
  });

  it('uses the language the engine passes over its own guess', async () => {
    const chat = interceptChat(200, chatCompletion('Klicke auf Forgot password? [1].'));
    await generator().answer({ question: 'passwort?', hits: HITS, language: 'de' });
    expect(chat.body().messages[0]?.content).toContain('Reply in German, the customer');
  });

  it('names the language, or falls back to the question language when it is unknown', () => {
    expect(languageInstruction('pt-BR')).toBe("Portuguese, the customer's language");
    expect(languageInstruction('und')).toBe('the language the customer wrote the question in');
  });
});

import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ClassifierError, RateLimitedError } from '../../../src/errors.ts';
import { FallbackIntentClassifier } from '../../../src/intents/fallback-intent-classifier.ts';
import {
  type CreateLlmIntentClassifierOptions,
  LlmIntentClassifier,
  createLlmIntentClassifier,
} from '../../../src/intents/llm/llm-intent-classifier.ts';
import type { IntentResult } from '../../../src/model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../../../src/ports/intent-classifier.ts';
import {
  API_KEY,
  type ChatRequestBody,
  OPENAI_BASE_URL,
  OPENAI_ORIGIN,
  apiError,
  chatCompletion,
  interceptChat,
  recordingLogger,
} from './openai-fixtures.ts';

const INTENTS = [
  { name: 'refund_request', description: 'The customer wants money back for an order' },
  { name: 'order_status', description: 'Where an order is or when it arrives' },
  { name: 'talk_to_human' },
] as const;

/** The local path the wrapper delegates to: a fixed answer marked `local`, so tests see who answered. */
class LocalClassifier implements IntentClassifier {
  readonly calls: ClassifyInput[] = [];
  async classify(input: ClassifyInput): Promise<IntentResult> {
    this.calls.push(input);
    return {
      intent: 'order_status',
      confidence: 0.55,
      signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language: 'und' },
      source: 'local',
    };
  }
}

function setup(overrides: Partial<CreateLlmIntentClassifierOptions> = {}) {
  const fallback = new LocalClassifier();
  const logger = recordingLogger();
  const classifier = createLlmIntentClassifier({
    apiKey: API_KEY,
    baseURL: OPENAI_BASE_URL,
    model: 'gpt-4o-mini',
    intents: INTENTS,
    timeoutMs: 2_000,
    maxRetries: 0,
    fallback,
    logger,
    ...overrides,
  });
  return { classifier, fallback, logger };
}

/** What strict json_schema mode puts in `message.content`: the JSON object as a string. */
function structured(output: Record<string, unknown>): string {
  return JSON.stringify(output);
}

/** A well-formed structured answer, for tests where only timing decides the outcome. */
const VALID_ORDER_STATUS = structured({
  intent: 'order_status',
  confidence: 0.9,
  sentiment: 'neutral',
  urgency: 'normal',
  human_requested: false,
  language: 'en',
});

function warnings(logger: ReturnType<typeof recordingLogger>) {
  return logger.entries.filter((e) => e.level === 'warn');
}

describe('LLM intent classifier (OpenAI structured output through nock)', () => {
  it('sends a strict json_schema response format and maps the structured output to an IntentResult', async () => {
    const { classifier, fallback, logger } = setup();
    const chat = interceptChat(
      200,
      chatCompletion(
        structured({
          intent: 'refund_request',
          confidence: 0.92,
          sentiment: 'negative',
          urgency: 'high',
          human_requested: true,
          language: 'en',
        }),
      ),
    );

    const result = await classifier.classify({
      text: 'This is the third time I ask: refund my broken blender or let me talk to a person!',
      history: [{ role: 'bot', text: 'How can I help?', at: 1 }],
    });

    expect(result).toEqual({
      intent: 'refund_request',
      confidence: 0.92,
      signals: {
        sentiment: 'negative',
        urgency: 'high',
        humanRequested: true,
        language: 'en',
        complaint: false,
      },
      source: 'llm',
    });
    expect(fallback.calls).toHaveLength(0);
    expect(warnings(logger)).toEqual([]);

    const body = chat.body();
    expect(body.temperature).toBe(0);
    const format = body.response_format;
    expect(format?.type).toBe('json_schema');
    expect(format?.json_schema?.name).toBe('intent_classification');
    expect(format?.json_schema?.strict).toBe(true);
    const schema = format?.json_schema?.schema;
    expect(schema?.additionalProperties).toBe(false);
    expect([...(schema?.required ?? [])].sort()).toEqual(
      ['confidence', 'human_requested', 'intent', 'language', 'sentiment', 'urgency'].sort(),
    );
    expect([...(schema?.properties.intent?.enum ?? [])].sort()).toEqual(
      ['order_status', 'out_of_scope', 'refund_request', 'talk_to_human'].sort(),
    );
    const [system, user] = body.messages;
    expect(system?.content).toContain('- refund_request: The customer wants money back for an order');
    expect(system?.content).toContain('- talk_to_human: talk to human');
    expect(user?.content).toContain('Support: How can I help?');
    expect(user?.content).toContain('refund my broken blender');
  });

  it('maps out_of_scope to intent null', async () => {
    const { classifier } = setup();
    interceptChat(
      200,
      chatCompletion(
        structured({
          intent: 'out_of_scope',
          confidence: 0.8,
          sentiment: 'positive',
          urgency: 'low',
          human_requested: false,
          language: 'pt-BR',
        }),
      ),
    );

    const result = await classifier.classify({ text: 'Qual é a capital da França?' });

    expect(result.intent).toBeNull();
    expect(result.signals).toEqual({
      sentiment: 'positive',
      urgency: 'low',
      humanRequested: false,
      language: 'pt-BR',
      complaint: false,
    });
    expect(result.source).toBe('llm');
  });

  it('falls back to the local classifier on invalid JSON', async () => {
    const { classifier, fallback, logger } = setup();
    interceptChat(200, chatCompletion('{"intent": "refund_request", "confidence": 0.9,'));

    const result = await classifier.classify({ text: 'refund please' });

    expect(result.source).toBe('local');
    expect(result.intent).toBe('order_status');
    expect(fallback.calls).toEqual([{ text: 'refund please' }]);
    expect(warnings(logger)).toHaveLength(1);
    expect(warnings(logger)[0]?.fields).toMatchObject({ code: 'classifier_failed' });
    expect(String(warnings(logger)[0]?.fields.error)).toContain('malformed output');
  });

  it('falls back when the output does not match the schema (unknown intent, confidence out of range)', async () => {
    const { classifier, logger } = setup();
    interceptChat(
      200,
      chatCompletion(
        structured({
          intent: 'weather_forecast',
          confidence: 1.7,
          sentiment: 'neutral',
          urgency: 'normal',
          human_requested: false,
          language: 'en',
        }),
      ),
    );

    const result = await classifier.classify({ text: 'will it rain?' });

    expect(result.source).toBe('local');
    expect(warnings(logger)[0]?.fields).toMatchObject({ code: 'classifier_failed' });
  });

  it('falls back when the model refuses', async () => {
    const { classifier } = setup();
    interceptChat(200, chatCompletion(null, { refusal: "I'm sorry, I can't help with that." }));

    const result = await classifier.classify({ text: 'something' });

    expect(result.source).toBe('local');
  });

  it('falls back on HTTP 429 after one retry', async () => {
    const { classifier, fallback, logger } = setup({ maxRetries: 1 });
    const scope = nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .times(2)
      .reply(
        429,
        apiError(
          'Rate limit reached for gpt-4o-mini on requests per min (RPM).',
          'requests',
          'rate_limit_exceeded',
        ),
        {
          'retry-after': '0',
          'retry-after-ms': '1',
        },
      );

    const result = await classifier.classify({ text: 'where is my order?' });

    expect(scope.isDone()).toBe(true);
    expect(result.source).toBe('local');
    expect(fallback.calls).toHaveLength(1);
    expect(warnings(logger)).toHaveLength(1);
    expect(warnings(logger)[0]?.fields).toMatchObject({ code: 'rate_limited' });
    expect(JSON.stringify(logger.entries)).not.toContain(API_KEY);
  });

  it('falls back on HTTP 500 after one retry', async () => {
    const { classifier, logger } = setup({ maxRetries: 1 });
    const scope = nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .times(2)
      .reply(500, apiError('The server had an error while processing your request.', 'server_error', null));

    const result = await classifier.classify({ text: 'where is my order?' });

    expect(scope.isDone()).toBe(true);
    expect(result.source).toBe('local');
    expect(warnings(logger)[0]?.fields).toMatchObject({ code: 'classifier_failed' });
    expect(String(warnings(logger)[0]?.fields.error)).toContain('HTTP 500');
    expect(JSON.stringify(logger.entries)).not.toContain(API_KEY);
  });

  it('falls back on a timeout', async () => {
    const { classifier, logger } = setup({ timeoutMs: 50 });
    nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .delay(500)
      .reply(200, chatCompletion(VALID_ORDER_STATUS));

    const result = await classifier.classify({ text: 'where is my order?' });

    expect(result.source).toBe('local');
    expect(warnings(logger)[0]?.fields).toMatchObject({ code: 'timeout' });
  });

  it('gives up at the overall deadline even when retries and per-attempt time remain', async () => {
    const { classifier } = setup({ timeoutMs: 5_000, maxRetries: 3, deadlineMs: 200 });
    // A valid answer that arrives after the deadline but within the per-attempt timeout:
    // only the deadline can make the wrapper fall back here.
    nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .delay(1_500)
      .reply(200, chatCompletion(VALID_ORDER_STATUS));

    const result = await classifier.classify({ text: 'where is my order?' });

    expect(result.source).toBe('local');
  });

  it('on its own, the LLM classifier throws typed errors for the wrapper to handle', async () => {
    const classifier = new LlmIntentClassifier({
      apiKey: API_KEY,
      baseURL: OPENAI_BASE_URL,
      intents: INTENTS,
      timeoutMs: 2_000,
      maxRetries: 0,
    });
    nock(OPENAI_ORIGIN)
      .post('/v1/chat/completions')
      .reply(500, apiError('The server had an error while processing your request.', 'server_error', null))
      .post('/v1/chat/completions')
      .reply(429, apiError('Rate limit reached.', 'requests', 'rate_limit_exceeded'), { 'retry-after': '0' });

    await expect(classifier.classify({ text: 'hi' })).rejects.toBeInstanceOf(ClassifierError);
    await expect(classifier.classify({ text: 'hi' })).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('rejects an intent named like the out-of-scope label', () => {
    expect(
      () => new LlmIntentClassifier({ apiKey: API_KEY, intents: [{ name: 'out_of_scope' }], maxRetries: 0 }),
    ).toThrow(ClassifierError);
  });
});

describe('FallbackIntentClassifier', () => {
  it('uses the fallback for any thrown error and logs only its name', async () => {
    const logger = recordingLogger();
    const primary: IntentClassifier = {
      classify: async () => {
        throw new Error(`upstream said: invalid key ${API_KEY}`);
      },
    };
    const classifier = new FallbackIntentClassifier({ primary, fallback: new LocalClassifier(), logger });

    const result = await classifier.classify({ text: 'hello' });

    expect(result.source).toBe('local');
    expect(warnings(logger)[0]?.fields).toEqual({ code: 'unknown', errorName: 'Error' });
    expect(JSON.stringify(logger.entries)).not.toContain(API_KEY);
  });
});

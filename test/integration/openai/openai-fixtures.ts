import nock from 'nock';
import type { Logger } from '../../../src/ports/logger.ts';

/** Where the tests point the clients; nock intercepts it, nothing reaches the network. */
export const OPENAI_ORIGIN = 'https://api.openai.test';
export const OPENAI_BASE_URL = `${OPENAI_ORIGIN}/v1`;
export const API_KEY = 'sk-test';

/** The parts of a chat-completions request body the tests look at. */
export interface ChatRequestBody {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly response_format?: {
    readonly type: string;
    readonly json_schema?: {
      readonly name: string;
      readonly strict?: boolean;
      readonly schema: {
        readonly type: string;
        readonly properties: Record<string, { readonly type?: string; readonly enum?: readonly string[] }>;
        readonly required: readonly string[];
        readonly additionalProperties: boolean;
      };
    };
  };
}

/** A chat completion exactly as `POST /v1/chat/completions` returns it (non-streaming). */
export function chatCompletion(
  content: string | null,
  options: { refusal?: string; finishReason?: string } = {},
) {
  return {
    id: 'chatcmpl-test123',
    object: 'chat.completion',
    created: 1_735_689_600,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: options.refusal ?? null, annotations: [] },
        finish_reason: options.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 412, completion_tokens: 38, total_tokens: 450 },
    service_tier: 'default',
    system_fingerprint: 'fp_test',
  };
}

/** An error body as the OpenAI API returns it. */
export function apiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A logger that keeps what it is given, so tests can assert on warnings (and on what they leave out). */
export function recordingLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: Record<string, unknown>, message?: string): void => {
      entries.push({ level, fields, message });
    };
  const logger: Logger & { readonly entries: LogEntry[] } = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/** Intercepts `times` chat completions answered with `status` and `reply`, keeping the last request body. */
export function interceptChat(status: number, reply: object, times = 1): { body: () => ChatRequestBody } {
  let captured: ChatRequestBody | undefined;
  nock(OPENAI_ORIGIN)
    .matchHeader('authorization', `Bearer ${API_KEY}`)
    .post('/v1/chat/completions', (body: ChatRequestBody) => {
      captured = body;
      return true;
    })
    .times(times)
    .reply(status, reply);
  return {
    body: () => {
      if (captured === undefined) throw new Error('no chat request was made');
      return captured;
    },
  };
}

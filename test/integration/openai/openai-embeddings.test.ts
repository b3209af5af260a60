import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createOpenAiEmbeddings } from '../../../src/knowledge/llm/openai-embeddings.ts';
import { API_KEY, OPENAI_BASE_URL, OPENAI_ORIGIN, apiError } from './openai-fixtures.ts';

interface EmbeddingsRequestBody {
  readonly model: string;
  readonly input: string | readonly string[];
  readonly encoding_format?: string;
}

/** An embeddings response exactly as `POST /v1/embeddings` returns it with `encoding_format: float`. */
function embeddingsResponse(vectors: readonly (readonly number[])[], model = 'text-embedding-3-small') {
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: 8, total_tokens: 8 },
  };
}

function interceptEmbeddings(reply: object): { body: () => EmbeddingsRequestBody } {
  let captured: EmbeddingsRequestBody | undefined;
  nock(OPENAI_ORIGIN)
    .matchHeader('authorization', `Bearer ${API_KEY}`)
    .post('/v1/embeddings', (body: EmbeddingsRequestBody) => {
      captured = body;
      return true;
    })
    .reply(200, reply);
  return {
    body: () => {
      if (captured === undefined) throw new Error('no embeddings request was made');
      return captured;
    },
  };
}

describe('createOpenAiEmbeddings (through nock)', () => {
  it('embeds a query against the configured base URL as float vectors', async () => {
    const embeddings = createOpenAiEmbeddings({ apiKey: API_KEY, baseURL: OPENAI_BASE_URL, maxRetries: 0 });
    const request = interceptEmbeddings(embeddingsResponse([[0.011, -0.024, 0.5]]));

    const vector = await embeddings.embedQuery('how long do refunds take?');

    expect(vector).toEqual([0.011, -0.024, 0.5]);
    expect(request.body()).toEqual({
      model: 'text-embedding-3-small',
      input: 'how long do refunds take?',
      encoding_format: 'float',
    });
  });

  it('embeds a batch of documents in one request, in input order', async () => {
    const embeddings = createOpenAiEmbeddings({
      apiKey: API_KEY,
      baseURL: OPENAI_BASE_URL,
      model: 'text-embedding-3-large',
      maxRetries: 0,
    });
    const request = interceptEmbeddings(
      embeddingsResponse(
        [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        'text-embedding-3-large',
      ),
    );

    const vectors = await embeddings.embedDocuments(['Refunds take 5 days.', 'Gift cards\nare final.']);

    expect(vectors).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    // LangChain flattens newlines before embedding.
    expect(request.body()).toMatchObject({
      model: 'text-embedding-3-large',
      input: ['Refunds take 5 days.', 'Gift cards are final.'],
    });
  });

  it('surfaces API errors to the caller once its retries are spent', async () => {
    const embeddings = createOpenAiEmbeddings({ apiKey: API_KEY, baseURL: OPENAI_BASE_URL, maxRetries: 0 });
    nock(OPENAI_ORIGIN)
      .post('/v1/embeddings')
      .reply(500, apiError('The server had an error while processing your request.', 'server_error', null));

    await expect(embeddings.embedQuery('anything')).rejects.toMatchObject({ status: 500 });
  });
});

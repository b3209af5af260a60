import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError } from '../errors.ts';

/** Thrown when a body exceeds the configured limit; maps to 413. */
export class PayloadTooLargeError extends BadRequestError {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** Reads the raw body (signature checks need the exact bytes), refusing more than `limitBytes`. */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body; malformed JSON is a `BadRequestError` with a safe message. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = await readRawBody(req, limitBytes);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw new BadRequestError('request body is not valid JSON', { cause: error });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

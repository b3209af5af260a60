import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One endpoint on the shared HTTP server. Handlers get the raw Node request so
 * signature checks can hash the exact bytes and SDK receivers (Bolt) can take over.
 */
export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'ANY';
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

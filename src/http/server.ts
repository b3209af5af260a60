import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { HttpRoute } from '../ports/http-route.ts';
import type { Logger } from '../ports/logger.ts';
import { sendJson } from './body.ts';
import { errorStatus } from './error-status.ts';

export interface HttpServerConfig {
  readonly routes: readonly HttpRoute[];
  readonly logger: Logger;
}

/**
 * The one HTTP server: every endpoint (health, sandbox, platform webhooks, metrics)
 * is a route on it. Plain `node:http` because platform routes need the raw request:
 * signature checks hash the exact bytes and Bolt's receiver takes the request itself;
 * a handful of fixed paths does not need a framework.
 */
export function createHttpServer(config: HttpServerConfig): Server {
  const routes = new Map<string, HttpRoute[]>();
  for (const route of config.routes) routes.set(route.path, [...(routes.get(route.path) ?? []), route]);

  return createServer((req, res) => {
    void dispatch(req, res);
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const candidates = routes.get(path);
    if (!candidates) {
      sendJson(res, 404, { error: `no endpoint at ${path}` });
      return;
    }
    const route = candidates.find((r) => r.method === 'ANY' || r.method === req.method);
    if (!route) {
      res.setHeader('allow', candidates.map((r) => r.method).join(', '));
      sendJson(res, 405, { error: `${req.method ?? '?'} is not allowed on ${path}` });
      return;
    }
    try {
      await route.handle(req, res);
    } catch (error) {
      const mapped = errorStatus(error);
      config.logger[mapped.level]({ err: error, path, status: mapped.status }, 'request failed');
      if (!res.headersSent) sendJson(res, mapped.status, { error: mapped.message });
      else res.end();
    }
  }
}

/** Starts listening; resolves with the bound port (useful with port 0 in tests). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

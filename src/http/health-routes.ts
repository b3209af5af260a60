import type { Registry } from 'prom-client';
import type { HttpRoute } from '../ports/http-route.ts';
import { sendJson } from './body.ts';

/** `/healthz` (process up), `/readyz` (store reachable) and `/metrics` (Prometheus text). */
export function createHealthRoutes(options: { ping: () => Promise<void>; registry: Registry }): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      async handle(_req, res) {
        sendJson(res, 200, { status: 'ok' });
      },
    },
    {
      method: 'GET',
      path: '/readyz',
      async handle(_req, res) {
        try {
          await options.ping();
          sendJson(res, 200, { status: 'ready' });
        } catch {
          sendJson(res, 503, { status: 'unavailable', reason: 'context store is not reachable' });
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      async handle(_req, res) {
        const text = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType });
        res.end(text);
      },
    },
  ];
}

/**
 * Placeholder for a platform endpoint whose adapter is off: answers 404 and says
 * which variables switch it on, so a misconfigured webhook is obvious from its logs.
 */
export function createDisabledPlatformRoute(
  path: string,
  platform: string,
  missing: readonly string[],
): HttpRoute {
  return {
    method: 'ANY',
    path,
    async handle(_req, res) {
      sendJson(res, 404, {
        error:
          missing.length > 0
            ? `the ${platform} adapter is off: set ${missing.join(', ')}`
            : `the ${platform} adapter is configured but not available in this build`,
      });
    },
  };
}

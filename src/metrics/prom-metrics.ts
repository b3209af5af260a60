import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineMetrics } from '../ports/metrics.ts';

/** `EngineMetrics` on prom-client, served as Prometheus text on `/metrics`. */
export function createPromMetrics(): { metrics: EngineMetrics; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const inbound = new Counter({
    name: 'switchboard_inbound_events_total',
    help: 'Inbound events by platform, kind and ingest result',
    labelNames: ['platform', 'kind', 'result'] as const,
    registers: [registry],
  });
  const outbound = new Counter({
    name: 'switchboard_outbound_messages_total',
    help: 'Outbound messages by platform, kind and outcome',
    labelNames: ['platform', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const turns = new Histogram({
    name: 'switchboard_turn_duration_seconds',
    help: 'Time to process one inbound event, by route',
    labelNames: ['platform', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const handoffs = new Counter({
    name: 'switchboard_handoffs_total',
    help: 'Handoff lifecycle events',
    labelNames: ['platform', 'event'] as const,
    registers: [registry],
  });
  return {
    registry,
    metrics: {
      inbound: (platform, kind, result) => inbound.inc({ platform, kind, result }),
      outbound: (platform, kind, ok) => outbound.inc({ platform, kind, outcome: ok ? 'sent' : 'failed' }),
      turn: (platform, route, ms) => turns.observe({ platform, route }, ms / 1000),
      handoff: (platform, event) => handoffs.inc({ platform, event }),
    },
  };
}

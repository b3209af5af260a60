/** Counters and timings the engine reports; `src/metrics/` exposes them on `/metrics`. */
export interface EngineMetrics {
  inbound(platform: string, kind: string, result: 'accepted' | 'duplicate' | 'failed'): void;
  outbound(platform: string, kind: string, ok: boolean): void;
  turn(platform: string, route: string, durationMs: number): void;
  handoff(platform: string, event: 'opened' | 'claimed' | 'resolved' | 'escalated'): void;
}

export const noopMetrics: EngineMetrics = {
  inbound: () => {},
  outbound: () => {},
  turn: () => {},
  handoff: () => {},
};

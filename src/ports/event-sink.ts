import type { InboundEvent } from '../model/inbound-event.ts';
import type { EnqueueResult } from './inbound-queue.ts';

/**
 * What adapters hand inbound events to. Resolves once the event is durably
 * recorded, so the adapter may then acknowledge the platform; rejects with
 * `StoreUnavailableError` when it could not be recorded (answer 5xx so the platform retries).
 */
export interface EventSink {
  ingest(event: InboundEvent): Promise<EnqueueResult>;
}

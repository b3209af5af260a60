import type { Flow } from '../src/ports/flow.ts';
import { orderStatusFlow } from './order-status/flow.ts';

/** Every flow the engine can run, in trigger priority order. */
export const flows: readonly Flow[] = [orderStatusFlow];

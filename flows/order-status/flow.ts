import type { Flow, FlowInput, StepResult } from '../../src/ports/flow.ts';
import { orderStatusCopy } from './copy.ts';

/** Order ids look like `A1234`: one letter, 4-10 digits. */
const ORDER_ID = /\b([A-Za-z]\d{4,10})\b/;

function findOrderId(input: FlowInput): string | undefined {
  const match = ORDER_ID.exec(input.text);
  return match?.[1]?.toUpperCase() ?? input.slots.order_id;
}

/**
 * Order status: asks for the order id (unless already known from earlier turns),
 * validates it, and points the customer at the live tracking page. The order-lookup
 * backend call arrives with the flows capability; this flow is the foundation's sample.
 */
export const orderStatusFlow: Flow = {
  id: 'order-status',
  triggers: ['order_status'],
  maxRetries: 2,
  start(input: FlowInput): StepResult {
    const copy = orderStatusCopy(input.understanding?.signals.language);
    const orderId = findOrderId(input);
    if (orderId)
      return {
        type: 'done',
        reply: { text: copy.found(orderId) },
        slots: { order_id: orderId },
      };
    return { type: 'continue', nextStep: 'ask_order_id', reply: { text: copy.askOrderId } };
  },
  step(stepId: string, input: FlowInput, retries: number): StepResult {
    if (stepId !== 'ask_order_id') return this.start(input);
    const copy = orderStatusCopy(input.understanding?.signals.language);
    const match = ORDER_ID.exec(input.text);
    const orderId = match?.[1]?.toUpperCase();
    if (orderId)
      return {
        type: 'done',
        reply: { text: copy.found(orderId) },
        slots: { order_id: orderId },
      };
    if (retries + 1 >= this.maxRetries) {
      return {
        type: 'handoff',
        reason: 'order id not recognised',
        reply: { text: copy.tooManyTries },
      };
    }
    return {
      type: 'continue',
      nextStep: 'ask_order_id',
      retry: true,
      reply: { text: copy.invalidOrderId },
    };
  },
};

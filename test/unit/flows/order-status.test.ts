import { describe, expect, it } from 'vitest';
import { orderStatusFlow } from '../../../flows/order-status/flow.ts';
import { PLAIN_TEXT_CAPABILITIES } from '../../../src/model/capabilities.ts';
import type { FlowInput } from '../../../src/ports/flow.ts';

const input = (text: string, slots: Record<string, string> = {}): FlowInput => ({
  text,
  understanding: null,
  slots,
  capabilities: PLAIN_TEXT_CAPABILITIES,
});

describe('order-status flow', () => {
  it('asks for the order id, then answers with it', () => {
    const start = orderStatusFlow.start(input('where is my order?'));
    expect(start).toMatchObject({ type: 'continue', nextStep: 'ask_order_id' });
    const done = orderStatusFlow.step('ask_order_id', input('it is a1234'), 0);
    expect(done).toMatchObject({ type: 'done', slots: { order_id: 'A1234' } });
    expect(done.reply.text).toContain('A1234');
  });

  it('does not re-ask an order id already known', () => {
    expect(orderStatusFlow.start(input('where is it', { order_id: 'B98765' }))).toMatchObject({
      type: 'done',
      slots: { order_id: 'B98765' },
    });
    expect(orderStatusFlow.start(input('where is order C55555?'))).toMatchObject({
      type: 'done',
      slots: { order_id: 'C55555' },
    });
  });

  it('re-prompts on an invalid id and hands off after too many', () => {
    expect(orderStatusFlow.step('ask_order_id', input('no idea'), 0)).toMatchObject({
      type: 'continue',
      retry: true,
    });
    expect(orderStatusFlow.step('ask_order_id', input('still no idea'), 1)).toMatchObject({
      type: 'handoff',
    });
  });
});

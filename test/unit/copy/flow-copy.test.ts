import { describe, expect, it } from 'vitest';
import { ORDER_STATUS_COPY } from '../../../flows/order-status/copy.ts';
import { orderStatusFlow } from '../../../flows/order-status/flow.ts';
import { PLAIN_TEXT_CAPABILITIES } from '../../../src/model/capabilities.ts';
import type { IntentResult } from '../../../src/model/understanding.ts';
import type { FlowInput } from '../../../src/ports/flow.ts';

const input = (text: string, language: string): FlowInput => {
  const understanding: IntentResult = {
    intent: 'order_status',
    confidence: 0.9,
    signals: { sentiment: 'neutral', urgency: 'normal', humanRequested: false, language },
    source: 'llm',
  };
  return { text, understanding, slots: {}, capabilities: PLAIN_TEXT_CAPABILITIES };
};

describe('order-status flow copy', () => {
  it('ships every sentence in en, es, de, fr and pt', () => {
    expect(Object.keys(ORDER_STATUS_COPY).sort()).toEqual(['de', 'en', 'es', 'fr', 'pt']);
  });

  it('asks, re-asks and confirms in the customer language', () => {
    expect(orderStatusFlow.start(input('¿dónde está mi pedido?', 'es')).reply.text).toMatch(
      /número de pedido/,
    );
    expect(orderStatusFlow.step('ask_order_id', input('no sé', 'es'), 0).reply.text).toMatch(/no parece/);
    expect(orderStatusFlow.step('ask_order_id', input('A12345', 'de'), 0).reply.text).toMatch(
      /^Danke!.*A12345/,
    );
  });

  it('speaks English for a language it has no copy for', () => {
    expect(orderStatusFlow.start(input('dov’è il mio ordine?', 'it')).reply.text).toMatch(/order number/);
  });
});

export * from './capabilities.ts';
export * from './context.ts';
export * from './conversation-key.ts';
export * from './conversation-ref.ts';
export * from './inbound-event.ts';
export * from './outbound-message.ts';
export * from './ownership.ts';
export * from './understanding.ts';

/** Customer-facing strings the Discord adapter says on its own (refusals, failures). Kept together for review and localisation. */
export const DISCORD_COPY = {
  buttonRefused: 'This button doesn’t belong to this conversation, so I can’t act on it.',
  buttonNotYours: 'Only the person who started this conversation can use its buttons.',
  outsideSupport: 'I can only help in the support channel or in a direct message.',
  notTaken: 'Sorry, I couldn’t take that just now. Please try again in a minute.',
  threadFallbackTopic: 'support',
} as const;

/** Customer-facing strings the engine itself says. Kept together so they can be reviewed and localised. */
export const COPY = {
  greeting:
    'Hi! I’m the Brightcart assistant. Ask me about orders, returns, billing, your account or our API.',
  thanks: 'You’re welcome! Anything else I can help with?',
  goodbye: 'Thanks for reaching out. Have a great day!',
  unknown: 'Sorry, I don’t know the answer to that. Would you like me to connect you with a person?',
  clarify: 'I found a few articles that might help. Which one matches your question?',
  handoff:
    'I’m connecting you with our support team. A person will reply here; you can keep writing in the meantime.',
  resolved:
    'Our support team marked this conversation as resolved. If you need anything else, just write here.',
  dismissed: 'No problem. What else can I help you with?',
  unsupported: 'Sorry, I can’t read that kind of message yet. Could you describe it in text?',
} as const;

/** Choice ids the engine itself offers. Flow choices use their own ids. */
export const ENGINE_CHOICES = {
  handoff: { id: 'sb:handoff', label: 'Talk to a person' },
  dismiss: { id: 'sb:dismiss', label: 'No thanks' },
  somethingElse: { id: 'sb:none', label: 'None of these' },
  articlePrefix: 'sb:kb:',
} as const;

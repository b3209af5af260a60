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
  handoffApology:
    'I’m sorry about this. I’m bringing in a person from our support team right away; they will reply here.',
  handoffClosed:
    'I’m connecting you with our support team. They are away right now and will be back {backAt}; they will reply here.',
  deskDown:
    'I’m having trouble reaching our support team right now. I’ll keep trying, and a person will reply here as soon as possible.',
  resolved:
    'Our support team marked this conversation as resolved. If you need anything else, just write here.',
  ratingRequest: 'How did we do? Please rate this conversation from 1 (poor) to 5 (great).',
  ratingThanks: 'Thank you for your feedback!',
  dismissed: 'No problem. What else can I help you with?',
  unsupported: 'Sorry, I can’t read that kind of message yet. Could you describe it in text?',
} as const;

/** Choice ids the engine itself offers. Flow choices use their own ids. */
export const ENGINE_CHOICES = {
  handoff: { id: 'sb:handoff', label: 'Talk to a person' },
  dismiss: { id: 'sb:dismiss', label: 'No thanks' },
  somethingElse: { id: 'sb:none', label: 'None of these' },
  articlePrefix: 'sb:kb:',
  ratingPrefix: 'sb:csat:',
} as const;

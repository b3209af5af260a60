/**
 * Choice ids the engine itself offers and recognises. Their labels are not here: deciders take them
 * from the copy they are given (`input.copy(locale).choices`). Flow choices use their own ids.
 */
export const ENGINE_CHOICES = {
  handoff: 'sb:handoff',
  /** "Talk to a person" offered after a complaint: the handoff goes out with a higher priority. */
  handoffPriority: 'sb:handoff:priority',
  dismiss: 'sb:dismiss',
  /** Resume the flow the customer stepped out of. */
  flowContinue: 'sb:flow:continue',
  /** Leave the flow the customer stepped out of. */
  flowCancel: 'sb:flow:cancel',
  articlePrefix: 'sb:kb:',
  ratingPrefix: 'sb:csat:',
} as const;

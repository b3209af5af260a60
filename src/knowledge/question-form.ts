/**
 * What kind of answer a customer question asks for: the steps ("how do I send it back"), the cost
 * ("does a return cost anything"), the time ("how long do I have") or a permission ("can I return
 * opened earbuds"). The words that say so are stopwords to the keyword index and the embeddings,
 * yet they tell neighbouring articles apart (starting a return against the return rules), so the
 * customer phrasings of the right form count a little more.
 */
export type QuestionForm = 'steps' | 'cost' | 'time' | 'permission';

// First match wins: "how much does it cost to send back" asks the cost, not the steps.
const FORMS: readonly (readonly [QuestionForm, RegExp])[] = [
  ['cost', /\b(?:how much|costs?|fees?|price|charged?|pay for)\b/],
  ['time', /\b(?:how long|how many days|how soon|deadline|time limit)\b/],
  ['steps', /\b(?:how (?:do|can|should|would) (?:i|we|u)|how to|where (?:do|can) (?:i|we|u)|steps to)\b/],
  [
    'permission',
    /\b(?:(?:can|could|may) (?:i|we|u)|am i (?:allowed|able)|is it (?:possible|ok|okay|allowed)|do (?:you|u) (?:accept|allow|take))\b/,
  ],
];

/** Pure: the form of a question or problem statement, or null when it has none of these cues. */
export function questionForm(text: string): QuestionForm | null {
  const lower = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  for (const [form, pattern] of FORMS) if (pattern.test(lower)) return form;
  return null;
}

/** Small integer codes for typed arrays (0: no form). */
export const QUESTION_FORM_CODES: Readonly<Record<QuestionForm, number>> = {
  steps: 1,
  cost: 2,
  time: 3,
  permission: 4,
};

export function questionFormCode(text: string): number {
  const form = questionForm(text);
  return form === null ? 0 : QUESTION_FORM_CODES[form];
}

/**
 * Customer messages the bundled `kb/` and intents answer without a handoff: KB answers
 * and small talk (checked: each gets a reply and leaves the conversation with the bot,
 * which the benches verify per turn rather than trust).
 */
export const ORDINARY_QUESTIONS = [
  'how do I reset my password?',
  'I was charged twice this month',
  'how long does shipping to the UK take',
  'what is your return policy',
  'how do I delete my account',
  'what does the Pro plan cost',
  'I keep getting 429 errors from the API',
  'hello',
  'how do I change my email address',
  'can I get a refund',
  'thanks',
  'hi there',
] as const;

export function question(i: number): string {
  return ORDINARY_QUESTIONS[i % ORDINARY_QUESTIONS.length] ?? 'hello';
}

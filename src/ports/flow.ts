import type { Capabilities } from '../model/capabilities.ts';
import type { Choice } from '../model/outbound-message.ts';
import type { IntentResult } from '../model/understanding.ts';

/** What a flow step sees. Everything is data: flows never do I/O themselves. */
export interface FlowInput {
  readonly text: string;
  readonly choiceId?: string;
  readonly understanding: IntentResult | null;
  readonly slots: Readonly<Record<string, string>>;
  readonly capabilities: Capabilities;
}

export interface FlowReply {
  readonly text: string;
  readonly choices?: readonly Choice[];
}

/** The outcome of one step. */
export type StepResult =
  | {
      readonly type: 'continue';
      readonly reply: FlowReply;
      readonly nextStep: string;
      readonly slots?: Readonly<Record<string, string>>;
      readonly retry?: boolean;
    }
  | { readonly type: 'done'; readonly reply: FlowReply; readonly slots?: Readonly<Record<string, string>> }
  | {
      readonly type: 'handoff';
      readonly reply: FlowReply;
      readonly reason: string;
      readonly slots?: Readonly<Record<string, string>>;
    };

/**
 * A multi-turn flow: data plus pure steps. `start` runs when an intent triggers it;
 * `step` runs for each later customer turn while it is active.
 */
export interface Flow {
  readonly id: string;
  /** Intents that start this flow. */
  readonly triggers: readonly string[];
  /** How many invalid answers a step tolerates before handing off. */
  readonly maxRetries: number;
  start(input: FlowInput): StepResult;
  step(stepId: string, input: FlowInput, retries: number): StepResult;
}

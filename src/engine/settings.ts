/** When staff are around, for the handoff message (see `src/desk/business-hours.ts`). */
export interface StaffAvailability {
  readonly open: boolean;
  /** Human-readable next opening, e.g. "Monday at 09:00 (Europe/Madrid)". */
  readonly backAt?: string;
}

export interface EngineSettings {
  readonly answerThreshold: number;
  readonly clarifyThreshold: number;
  readonly failedTurnsLimit: number;
  /** Below this intent confidence the engine searches the KB instead of trusting the intent. */
  readonly minIntentConfidence: number;
  readonly kbResults: number;
  /** Chat-sized cap on knowledge answers, applied below the channel's own text limit. */
  readonly answerMaxLength: number;
  /** Pure: is this customer (`platform:userId`) a VIP? */
  readonly isVip?: (customerId: string) => boolean;
  /** Intents on which a VIP is handed to a person straight away. */
  readonly vipHandoffIntents?: readonly string[];
  /** Pure: are staff working at `now`? Absent: always. */
  readonly staffAvailability?: (now: number) => StaffAvailability;
}

/** Score cut-offs for the calibrated hybrid score. */
export interface KbThresholds {
  readonly answer: number;
  readonly clarify: number;
}

export const DEFAULT_KB_THRESHOLDS: KbThresholds = { answer: 0.6, clarify: 0.35 };

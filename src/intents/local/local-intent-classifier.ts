/**
 * The local intent classifier: trains in-process from labelled examples (no
 * downloads, no native code, no network) and answers in a few milliseconds
 * per message. It is the default classifier and the fallback
 * when an LLM classifier is unavailable.
 */

import type { IntentResult, TurnSignals } from '../../model/understanding.ts';
import type { ClassifyInput, IntentClassifier } from '../../ports/intent-classifier.ts';
import { detectLanguage } from '../language.ts';
import { detectSignals } from '../signals.ts';
import type { LocalIntentModel } from './model.ts';
import type { Calibration, LabelledText, LocalModelHyperparameters, ProgressListener } from './train.ts';
import { DEFAULT_HYPERPARAMETERS, calibrateOosThreshold, trainLocalModel } from './train.ts';

/** Options of {@link createLocalIntentClassifier}. */
export interface LocalIntentClassifierOptions {
  /** Labelled training texts. Rows whose label is `oosLabel` are out-of-scope examples. */
  readonly examples: readonly LabelledText[];
  /** Label marking out-of-scope rows (default `oos`); such rows are learned as a class that maps to `intent: null`. */
  readonly oosLabel?: string;
  /** Extra out-of-scope texts (e.g. the `out_of_scope` list of `nlu/intents.yml`), treated like `oosLabel` rows. */
  readonly oosExamples?: readonly string[];
  /** Seed for every shuffle and initialisation (default 1): same examples + seed = same model. */
  readonly seed?: number;
  /** Intent preferred whenever the customer explicitly asks for a person (default `talk_to_human`). */
  readonly humanIntent?: string;
  /**
   * Fixed out-of-scope threshold on the top intent probability. When given,
   * calibration is skipped (training is about twice as fast); when omitted the
   * threshold is calibrated on a validation split of `examples`.
   */
  readonly oosThreshold?: number;
  /** Assumed share of out-of-scope traffic used by calibration (default 0.1). */
  readonly oosPrior?: number;
  /**
   * Calibration never lets the threshold alone refuse more than this share of
   * held-out in-scope rows: default 0.03 with real out-of-scope examples, 0.01
   * when it has to fall back to pseudo-OOS intents.
   */
  readonly maxInScopeRejection?: number;
  /** Overrides of the tuned defaults; mostly for experiments. */
  readonly hyperparameters?: Partial<LocalModelHyperparameters>;
  /** Receives progress lines during training (the eval script prints them). */
  readonly onProgress?: ProgressListener;
}

/** How many runner-up intents a result lists. */
const ALTERNATIVES = 3;

/**
 * An {@link IntentClassifier} backed by a {@link LocalIntentModel}. Build it
 * with {@link createLocalIntentClassifier}.
 */
export class LocalIntentClassifier implements IntentClassifier {
  /** Intent names the model can return (the OOS class excluded). */
  readonly intents: readonly string[];
  /** Top-probability threshold below which a text is out of scope. */
  readonly threshold: number;
  /** What calibration measured on held-out rows; null when the threshold was given. */
  readonly calibration: Calibration | null;
  private readonly model: LocalIntentModel;
  private readonly oosLabel: string;
  private readonly humanIntent: string | null;

  constructor(args: {
    model: LocalIntentModel;
    threshold: number;
    oosLabel: string;
    humanIntent: string;
    calibration: Calibration | null;
  }) {
    this.model = args.model;
    this.threshold = args.threshold;
    this.oosLabel = args.oosLabel;
    this.calibration = args.calibration;
    this.intents = args.model.labels.filter((label) => label !== args.oosLabel);
    this.humanIntent = this.intents.includes(args.humanIntent) ? args.humanIntent : null;
  }

  /**
   * Port method; the work is synchronous, see {@link LocalIntentClassifier.predict}.
   * The model reads the message alone (it was trained on single messages); `history`
   * only lends its language to a message too short to show one ("ok", "2").
   */
  classify(input: ClassifyInput): Promise<IntentResult> {
    return Promise.resolve(this.predict(input.text, detectSignals(input.text, historyLanguage(input))));
  }

  /**
   * Classifies one message. `intent` is null when the model's best guess is
   * the out-of-scope class or its probability is under {@link threshold};
   * `confidence` is then the confidence in "out of scope" (1 minus the best
   * in-scope probability). An explicit request for a person wins over the
   * model when the model knows the human-handoff intent.
   */
  predict(text: string, signals: TurnSignals = detectSignals(text)): IntentResult {
    if (text.trim().length === 0) {
      return { intent: null, confidence: 1, signals, alternatives: [], source: 'local' };
    }
    const { ranked } = this.model.predict(text);
    const inScope = ranked.filter((r) => r.label !== this.oosLabel);
    const top = ranked[0];
    const bestInScope = inScope[0];
    if (this.humanIntent !== null && signals.humanRequested) {
      const human = inScope.find((r) => r.label === this.humanIntent);
      const confidence = Math.max(human?.probability ?? 0, top?.probability ?? 0);
      return {
        intent: this.humanIntent,
        confidence,
        signals,
        alternatives: toAlternatives(inScope.filter((r) => r.label !== this.humanIntent)),
        source: 'local',
      };
    }
    if (top === undefined || bestInScope === undefined) {
      return { intent: null, confidence: 1, signals, alternatives: [], source: 'local' };
    }
    if (top.label === this.oosLabel || bestInScope.probability < this.threshold) {
      return {
        intent: null,
        confidence: 1 - bestInScope.probability,
        signals,
        alternatives: toAlternatives(inScope),
        source: 'local',
      };
    }
    return {
      intent: bestInScope.label,
      confidence: bestInScope.probability,
      signals,
      alternatives: toAlternatives(inScope.slice(1)),
      source: 'local',
    };
  }
}

/** The language of the latest customer message in the history that shows one. */
export function historyLanguage(input: ClassifyInput): string | undefined {
  const history = input.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i];
    if (entry?.role !== 'customer') continue;
    const language = detectLanguage(entry.text);
    if (language !== 'und') return language;
  }
  return undefined;
}

function toAlternatives(
  ranked: readonly { label: string; probability: number }[],
): { intent: string; confidence: number }[] {
  return ranked.slice(0, ALTERNATIVES).map((r) => ({ intent: r.label, confidence: r.probability }));
}

function mergeHyperparameters(
  overrides: Partial<LocalModelHyperparameters> | undefined,
): LocalModelHyperparameters {
  return { ...DEFAULT_HYPERPARAMETERS, ...overrides };
}

/**
 * Trains a {@link LocalIntentClassifier}. Synchronous on purpose: training is
 * pure CPU work (about 20-35 s for 10k examples on two cores, calibration
 * included; under a second for the bot's own `nlu/intents.yml`), so wrapping it in a promise
 * would not free the event loop. Call it at startup, before serving traffic.
 *
 * Unless `oosThreshold` is given, the out-of-scope threshold is calibrated
 * first on a validation split carved from `examples` (see
 * `calibrateOosThreshold` in `train.ts`), then the final model is trained on
 * all examples.
 *
 * @throws Error when fewer than two distinct labels are given.
 */
export function createLocalIntentClassifier(options: LocalIntentClassifierOptions): LocalIntentClassifier {
  const oosLabel = options.oosLabel ?? 'oos';
  const seed = options.seed ?? 1;
  const humanIntent = options.humanIntent ?? 'talk_to_human';
  const hyper = mergeHyperparameters(options.hyperparameters);
  const examples: LabelledText[] = [
    ...options.examples.filter((e) => e.text.trim().length > 0),
    ...(options.oosExamples ?? []).map((text) => ({ text, label: oosLabel })),
  ];
  let threshold = options.oosThreshold;
  let calibration: Calibration | null = null;
  if (threshold === undefined) {
    calibration = calibrateOosThreshold(
      examples,
      hyper,
      seed,
      {
        oosLabel,
        validationShare: 0.15,
        pseudoOosIntentShare: 0.15,
        oosPrior: options.oosPrior ?? 0.1,
        maxInScopeRejection: options.maxInScopeRejection ?? 0.03,
        pseudoOosMaxInScopeRejection: options.maxInScopeRejection ?? 0.01,
        keepIntents: [humanIntent],
        crossFitMaxExamples: 3_000,
        crossFitFolds: 5,
      },
      options.onProgress,
    );
    threshold = calibration.threshold;
    options.onProgress?.(
      `calibrated threshold ${threshold.toFixed(3)}: held-out in-scope accuracy ${calibration.inScopeAccuracy.toFixed(3)}, ` +
        `rejection ${calibration.inScopeRejection.toFixed(3)}, OOS recall ${calibration.oosRecall?.toFixed(3) ?? 'n/a'}`,
    );
  }
  const model = trainLocalModel(examples, hyper, seed, options.onProgress);
  return new LocalIntentClassifier({ model, threshold, oosLabel, humanIntent, calibration });
}

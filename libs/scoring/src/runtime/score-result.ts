import type { MissingFeature } from '../signature/feature-vector-encoder';

/** One customer's features for one model, as of an instant (timestamps are read relative to it). */
export interface ScoreRequest {
  /** Pseudonymous id, echoed back; never interpreted. */
  readonly customerId?: string;
  readonly features: Readonly<Record<string, unknown>>;
  readonly asOfMs: number;
}

export interface ScoredOutput {
  readonly name: string;
  /** Calibrated probability. */
  readonly score: number;
  /** The model's own probability before calibration. */
  readonly rawScore: number;
}

export interface FeatureAttribution {
  readonly feature: string;
  /** In the feature's natural unit (days for timestamps, 0/1 for booleans). */
  readonly value: number | string | null;
  readonly baselineValue: number | string | null;
  /** Share of (score − baseline score) due to this feature; positive raises the score. */
  readonly contribution: number;
}

export interface OutputExplanation {
  readonly output: string;
  readonly score: number;
  readonly baselineScore: number;
  /** Σ contributions − (score − baselineScore). */
  readonly completenessGap: number;
  /** Sorted by |contribution|, largest first. */
  readonly attributions: readonly FeatureAttribution[];
}

export interface ReasonCode {
  /** Stable code `<feature>.<higher|lower>`, e.g. `complaints_count_90d.higher`. */
  readonly code: string;
  readonly output: string;
  readonly feature: string;
  readonly direction: 'raises' | 'lowers';
  readonly contribution: number;
  readonly text: { readonly en: string; readonly de: string };
}

export interface ScoreExplanation {
  readonly method: 'integrated_gradients' | 'sampled_shapley';
  readonly outputs: readonly OutputExplanation[];
  readonly reasons: readonly ReasonCode[];
}

export interface ScoredResult {
  readonly status: 'scored';
  readonly modelId: string;
  readonly version: string;
  readonly customerId?: string;
  readonly scores: readonly ScoredOutput[];
  /** Inputs that had no usable value and took the card's impute value. */
  readonly imputed: readonly MissingFeature[];
  readonly explanation?: ScoreExplanation;
}

/** The card says these inputs must be present; the customer was not scored. */
export interface RefusedResult {
  readonly status: 'refused';
  readonly modelId: string;
  readonly version: string;
  readonly customerId?: string;
  readonly reason: 'missing_feature';
  readonly missing: readonly MissingFeature[];
}

export type ScoreResult = ScoredResult | RefusedResult;

export interface ScoreOptions {
  /** Compute attributions and reason codes (default true; batch scoring of segments usually turns it off). */
  readonly explain?: boolean;
}

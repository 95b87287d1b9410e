import { type ClassificationMetrics, type ModelScorer, type SegmentMetrics, classificationMetrics, metricsBySegment } from '@kairos/scoring';

/** One labelled customer of a holdout: features as the registry reads them, outcomes per label or output. */
export interface HoldoutRow {
  readonly features: Readonly<Record<string, unknown>>;
  readonly asOfMs: number;
  readonly labels: Readonly<Record<string, boolean | null>>;
  readonly segments?: { readonly ageBand: string };
}

export interface Holdout {
  readonly description: string;
  readonly rows: readonly HoldoutRow[];
}

/** What the registry stores per version: where the figures come from and the metrics per output. */
export interface HoldoutMetrics {
  readonly source: 'upload' | 'registry_holdout' | 'card';
  readonly description: string;
  readonly evaluatedAtMs: number;
  readonly outputs: Readonly<Record<string, ClassificationMetrics | { readonly n: 0; readonly note: string }>>;
  readonly byAgeBand: Readonly<Record<string, Readonly<Record<string, SegmentMetrics>>>>;
  /** Holdout rows the card's missing-value policy refused to score. */
  readonly refused: number;
}

/** Groups smaller than this get counts but no metrics (too noisy to judge). */
const MINIMUM_SEGMENT = 30;

/**
 * AUC, Brier score and calibration error of every output on a holdout. An output is judged on the rows whose label
 * applies (its `label` from the card, or its own name); refused rows are counted, never guessed.
 */
export async function evaluateOnHoldout(scorer: ModelScorer, holdout: Holdout, source: HoldoutMetrics['source'], nowMs: number): Promise<HoldoutMetrics> {
  const results = await scorer.scoreBatch(
    holdout.rows.map((row) => ({ features: row.features, asOfMs: row.asOfMs })),
    { explain: false },
  );
  const outputs: Record<string, ClassificationMetrics | { n: 0; note: string }> = {};
  const byAgeBand: Record<string, Record<string, SegmentMetrics>> = {};
  scorer.card.signature.outputs.forEach((output, o) => {
    const scores: number[] = [];
    const labels: boolean[] = [];
    const groups: string[] = [];
    holdout.rows.forEach((row, r) => {
      const result = results[r];
      const label = row.labels[output.label ?? output.name] ?? row.labels[output.name] ?? null;
      if (label === null || result.status !== 'scored') return;
      scores.push(result.scores[o].score);
      labels.push(label);
      groups.push(row.segments?.ageBand ?? 'unknown');
    });
    if (scores.length === 0) {
      outputs[output.name] = { n: 0, note: `no holdout row carries the label ${output.label ?? output.name}` };
      return;
    }
    outputs[output.name] = classificationMetrics({ scores, labels });
    byAgeBand[output.name] = metricsBySegment({ scores, labels }, groups, MINIMUM_SEGMENT);
  });
  return { source, description: holdout.description, evaluatedAtMs: nowMs, outputs, byAgeBand, refused: results.filter((result) => result.status === 'refused').length };
}

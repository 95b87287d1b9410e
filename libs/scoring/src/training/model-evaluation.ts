import type { DatasetRow } from '../datasets/point-in-time-dataset';
import { ClassificationMetrics, classificationMetrics, metricsBySegment } from '../metrics/classification-metrics';
import type { SegmentMetrics } from '../card/model-card.schema';
import type { ModelScorer } from '../runtime/model-scorer';

export interface OutputEvaluation {
  readonly metrics: ClassificationMetrics;
  readonly uncalibrated: ClassificationMetrics;
  readonly bySegment: Record<string, Record<string, SegmentMetrics>>;
}

/** Segments smaller than this get their size only: AUC of a handful of customers is noise. */
export const MINIMUM_SEGMENT_SIZE = 100;

/**
 * A model's figures on labelled rows: per output, over the rows whose label applies, calibrated and raw
 * metrics and the same by age band. This is how cards are filled and how the registry evaluates an upload.
 */
export async function evaluateOnRows(scorer: ModelScorer, rows: readonly DatasetRow[], labelOf: Readonly<Record<string, string>>): Promise<Record<string, OutputEvaluation>> {
  const results = await scorer.scoreBatch(
    rows.map((row) => ({ features: row.features, asOfMs: row.asOfMs })),
    { explain: false },
  );
  const evaluations: Record<string, OutputEvaluation> = {};
  scorer.outputNames.forEach((output, o) => {
    const label = labelOf[output];
    const scores: number[] = [];
    const raw: number[] = [];
    const labels: boolean[] = [];
    const ageBands: string[] = [];
    rows.forEach((row, r) => {
      const value = row.labels[label];
      const result = results[r];
      if (value === null || value === undefined || result.status !== 'scored') return;
      scores.push(result.scores[o].score);
      raw.push(result.scores[o].rawScore);
      labels.push(value);
      ageBands.push(row.segments.ageBand);
    });
    evaluations[output] = {
      metrics: classificationMetrics({ scores, labels }),
      uncalibrated: classificationMetrics({ scores: raw, labels }),
      bySegment: { ageBand: metricsBySegment({ scores, labels }, ageBands, MINIMUM_SEGMENT_SIZE) },
    };
  });
  return evaluations;
}

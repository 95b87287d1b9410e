import type { Calibration } from '../card/model-card.schema';
import { calibrateLogit } from '../metrics/platt-calibration';
import type { ModelRunner } from '../runtime/model-runner';

/** Attributions of one output for one input vector, per column, with what they should add up to. */
export interface ColumnAttributions {
  readonly columns: Float64Array;
  readonly score: number;
  readonly baselineScore: number;
  /** Σ attributions − (score − baselineScore): the completeness error of the path integral (→ 0 with more steps). */
  readonly completenessGap: number;
}

/**
 * Integrated gradients (Sundararajan et al., 2017) of the calibrated probability of `output`, along the straight
 * path from `baseline` to `input`, with the trapezoid rule over `steps` intervals (steps + 1 gradient evaluations in
 * one batch). Attributions sum to score − baseline score up to the discretisation error, reported as the gap.
 */
export function integratedGradients(
  runner: Required<Pick<ModelRunner, 'logitGradients'>> & Pick<ModelRunner, 'inputWidth'>,
  input: Float32Array,
  baseline: Float32Array,
  output: number,
  calibration: Calibration | undefined,
  steps: number,
): ColumnAttributions {
  const width = runner.inputWidth;
  const points = steps + 1;
  const path = new Float32Array(points * width);
  for (let k = 0; k < points; k++) {
    const alpha = k / steps;
    for (let i = 0; i < width; i++) path[k * width + i] = baseline[i] + alpha * (input[i] - baseline[i]);
  }
  const { logits, gradients } = runner.logitGradients(path, points, output);
  const averaged = new Float64Array(width);
  let baselineScore = 0;
  let score = 0;
  for (let k = 0; k < points; k++) {
    const { p, slope } = calibrateLogit(logits[k], calibration);
    if (k === 0) baselineScore = p;
    if (k === steps) score = p;
    const weight = (k === 0 || k === steps ? 0.5 : 1) / steps;
    for (let i = 0; i < width; i++) averaged[i] += weight * slope * gradients[k * width + i];
  }
  let sum = 0;
  for (let i = 0; i < width; i++) {
    averaged[i] *= input[i] - baseline[i];
    sum += averaged[i];
  }
  return { columns: averaged, score, baselineScore, completenessGap: sum - (score - baselineScore) };
}

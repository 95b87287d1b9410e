import { KairosError } from '@kairos/contracts';

/** Scores (probabilities in [0, 1]) and their observed outcomes, index by index. */
export interface ScoredOutcomes {
  readonly scores: ArrayLike<number>;
  readonly labels: ArrayLike<boolean | number>;
}

export interface ClassificationMetrics {
  readonly n: number;
  readonly positives: number;
  readonly baseRate: number;
  /** Area under the ROC curve; null when one class is absent. Ties count one half (Mann-Whitney). */
  readonly auc: number | null;
  readonly brier: number;
  /** Expected calibration error over equal-width bins, weighted by bin size. */
  readonly ece: number;
  readonly logLoss: number;
  readonly meanScore: number;
}

export const DEFAULT_CALIBRATION_BINS = 10;

function checked({ scores, labels }: ScoredOutcomes): void {
  if (scores.length !== labels.length) throw new KairosError('VALIDATION_FAILED', 'scores and labels differ in length');
}

const isPositive = (label: boolean | number): boolean => label === true || label === 1;

/**
 * ROC AUC as the probability that a random positive outranks a random negative, from ranks with midranks for ties:
 * O(n log n), exact with ties.
 */
export function areaUnderRoc(data: ScoredOutcomes): number | null {
  checked(data);
  const n = data.scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => data.scores[a] - data.scores[b]);
  let positives = 0;
  let rankSumOfPositives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && data.scores[order[j + 1]] === data.scores[order[i]]) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (isPositive(data.labels[order[k]])) {
        positives++;
        rankSumOfPositives += midrank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSumOfPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function brierScore(data: ScoredOutcomes): number {
  checked(data);
  let sum = 0;
  for (let i = 0; i < data.scores.length; i++) {
    const diff = data.scores[i] - (isPositive(data.labels[i]) ? 1 : 0);
    sum += diff * diff;
  }
  return data.scores.length === 0 ? 0 : sum / data.scores.length;
}

/** ECE: Σ_bins |bin| / n · |mean label − mean score|, bins of equal width over [0, 1] (a score of 1 falls in the last). */
export function expectedCalibrationError(data: ScoredOutcomes, bins = DEFAULT_CALIBRATION_BINS): number {
  checked(data);
  const counts = new Float64Array(bins);
  const scoreSums = new Float64Array(bins);
  const labelSums = new Float64Array(bins);
  for (let i = 0; i < data.scores.length; i++) {
    const score = data.scores[i];
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(score * bins)));
    counts[bin]++;
    scoreSums[bin] += score;
    labelSums[bin] += isPositive(data.labels[i]) ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (counts[b] > 0) ece += Math.abs(labelSums[b] - scoreSums[b]) / data.scores.length;
  return ece;
}

/** Mean negative log-likelihood; scores are clamped to [1e-7, 1 − 1e-7] so a confident miss is finite. */
export function logLoss(data: ScoredOutcomes): number {
  checked(data);
  let sum = 0;
  for (let i = 0; i < data.scores.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, data.scores[i]));
    sum -= isPositive(data.labels[i]) ? Math.log(p) : Math.log(1 - p);
  }
  return data.scores.length === 0 ? 0 : sum / data.scores.length;
}

export function classificationMetrics(data: ScoredOutcomes, bins = DEFAULT_CALIBRATION_BINS): ClassificationMetrics {
  checked(data);
  const n = data.scores.length;
  let positives = 0;
  let scoreSum = 0;
  for (let i = 0; i < n; i++) {
    if (isPositive(data.labels[i])) positives++;
    scoreSum += data.scores[i];
  }
  return {
    n,
    positives,
    baseRate: n === 0 ? 0 : positives / n,
    auc: areaUnderRoc(data),
    brier: brierScore(data),
    ece: expectedCalibrationError(data, bins),
    logLoss: logLoss(data),
    meanScore: n === 0 ? 0 : scoreSum / n,
  };
}

/** Metrics per group (e.g. age band); groups smaller than `minimumSize` are reported with their size only. */
export function metricsBySegment(
  data: ScoredOutcomes,
  groups: ArrayLike<string>,
  minimumSize = 1,
): Record<string, ClassificationMetrics | { readonly n: number; readonly tooSmall: true }> {
  checked(data);
  const members = new Map<string, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const list = members.get(groups[i]);
    if (list) list.push(i);
    else members.set(groups[i], [i]);
  }
  const result: Record<string, ClassificationMetrics | { readonly n: number; readonly tooSmall: true }> = {};
  for (const group of [...members.keys()].sort()) {
    const indexes = members.get(group)!;
    if (indexes.length < minimumSize) {
      result[group] = { n: indexes.length, tooSmall: true };
      continue;
    }
    result[group] = classificationMetrics({ scores: indexes.map((i) => data.scores[i]), labels: indexes.map((i) => data.labels[i]) });
  }
  return result;
}

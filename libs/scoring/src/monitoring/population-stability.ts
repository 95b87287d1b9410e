import type { DistributionBins } from '../card/model-card.schema';

/** Added to empty bins so an empty bin on one side gives a large but finite term (the common convention). */
const EMPTY_BIN_SHARE = 1e-4;

/**
 * Reference bins of a distribution at training time: up to `bins` quantile bins (fewer when values repeat, as
 * counts of rare events do). Bin i holds (edges[i−1], edges[i]]; the last bin everything above the last edge.
 */
export function referenceBins(values: ArrayLike<number>, bins = 10): DistributionBins {
  const sorted = Float64Array.from(values).filter((v) => Number.isFinite(v)).sort();
  if (sorted.length === 0) return { edges: [], proportions: [1] };
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.ceil((b * sorted.length) / bins) - 1)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  // The top edge equal to the maximum would leave the last bin empty by construction.
  if (edges.length > 0 && edges[edges.length - 1] >= sorted[sorted.length - 1]) edges.pop();
  return { edges, proportions: binProportions(values, edges) };
}

/** Bin index of `value` for `edges` (binary search); non-finite values go to the first bin. */
export function binOf(value: number, edges: readonly number[]): number {
  if (!Number.isFinite(value)) return 0;
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function binProportions(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(values[i], edges)]++;
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

/**
 * Population stability index of `actual` shares against `expected` shares over the same bins:
 * Σ (a − e) · ln(a / e), with empty bins floored at 0.01%. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift,
 * > 0.25 major shift.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new RangeError('expected and actual must have the same bins');
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], EMPTY_BIN_SHARE);
    const a = Math.max(actual[i], EMPTY_BIN_SHARE);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** PSI of current values against a reference from the card. */
export function stabilityAgainst(reference: DistributionBins, values: ArrayLike<number>): number {
  return populationStabilityIndex(reference.proportions, binProportions(values, reference.edges));
}

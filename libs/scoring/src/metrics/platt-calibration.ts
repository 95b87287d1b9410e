import type { Calibration } from '../card/model-card.schema';

const EPSILON = 1e-7;

export function logit(p: number): number {
  const q = p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p;
  return Math.log(q / (1 - q));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The calibrated probability for a raw one. */
export function calibrate(p: number, calibration: Calibration | undefined): number {
  if (!calibration || calibration.kind === 'none') return p;
  return sigmoid(calibration.a * logit(p) + calibration.b);
}

/** The calibrated probability from the raw logit (what integrated gradients differentiates). */
export function calibrateLogit(z: number, calibration: Calibration | undefined): { readonly p: number; readonly slope: number } {
  const a = !calibration || calibration.kind === 'none' ? 1 : calibration.a;
  const b = !calibration || calibration.kind === 'none' ? 0 : calibration.b;
  const p = sigmoid(a * z + b);
  return { p, slope: p * (1 - p) * a };
}

/**
 * Platt scaling: a, b minimising the log loss of sigmoid(a · logit(p) + b) on held-out scores, by Newton's method
 * with a small ridge so a separable sample cannot drive a to infinity. Labels use Platt's smoothed targets
 * ((n₊+1)/(n₊+2), 1/(n₋+2)) for the same reason.
 */
export function fitPlattCalibration(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): Calibration {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === true || labels[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { kind: 'none' };
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const z = Float64Array.from({ length: n }, (_, i) => logit(scores[i]));
  const t = Float64Array.from({ length: n }, (_, i) => (labels[i] === true || labels[i] === 1 ? high : low));
  let a = 1;
  let b = 0;
  const ridge = 1e-6;
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = ridge * (a - 1);
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a * z[i] + b);
      const residual = p - t[i];
      const weight = p * (1 - p);
      ga += residual * z[i];
      gb += residual;
      haa += weight * z[i] * z[i];
      hab += weight * z[i];
      hbb += weight;
    }
    const determinant = haa * hbb - hab * hab;
    if (!(Math.abs(determinant) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / determinant;
    const db = (haa * gb - hab * ga) / determinant;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { kind: 'platt', a, b };
}

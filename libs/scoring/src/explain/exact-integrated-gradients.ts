import type { Calibration } from '../card/model-card.schema';
import type { DenseLayer } from '../tfjs/dense-network';
import { sigmoid } from '../metrics/platt-calibration';
import { MAX_SEGMENTS, ON_KINK, ReluPathSweep } from './relu-path-sweep';

export interface ExactAttributions {
  /** Per output, attributions per input column. */
  readonly columns: readonly Float64Array[];
  readonly scores: Float64Array;
  readonly baselineScores: Float64Array;
  /** Linear pieces the path crossed. */
  readonly segments: number;
}

/** Whether `layers` are ReLU/linear under a sigmoid head: then the logit is piecewise linear along any line. */
export function isPiecewiseLinear(layers: readonly DenseLayer[]): boolean {
  const head = layers[layers.length - 1];
  return head.activation === 'sigmoid' && layers.slice(0, -1).every((layer) => layer.activation === 'relu' || layer.activation === 'linear');
}


/** One sweep per network (keyed by its layer list, which a loaded runner keeps for its lifetime). */
const sweeps = new WeakMap<readonly DenseLayer[], ReluPathSweep | null>();

/**
 * Integrated gradients without discretisation error for ReLU networks with sigmoid heads (and Platt calibration):
 * the path integral of `exactIntegratedGradientsByRecomputation`, computed by an incremental sweep along the path
 * (`ReluPathSweep`, tens of times cheaper); networks without a hidden layer take the direct computation.
 */
export function exactIntegratedGradients(
  layers: readonly DenseLayer[],
  input: ArrayLike<number>,
  baseline: ArrayLike<number>,
  calibrations: readonly (Calibration | undefined)[],
): ExactAttributions | null {
  let sweep = sweeps.get(layers);
  if (sweep === undefined) sweeps.set(layers, (sweep = ReluPathSweep.of(layers)));
  return sweep ? sweep.attribute(input, baseline, calibrations) : exactIntegratedGradientsByRecomputation(layers, input, baseline, calibrations);
}

/**
 * Integrated gradients without discretisation error for ReLU networks with sigmoid heads (and Platt calibration).
 * Along the straight path from baseline to input every pre-activation is linear in the path parameter until some
 * ReLU switches, so the path splits into pieces with a fixed activation pattern. On a piece the logit gradient g
 * is constant and the logit moves at the rate g·d (d = input − baseline), so feature i receives exactly
 * d_i · g_i · Δf / (g·d), where Δf is the change of the calibrated score over the piece. Summed over pieces the
 * attributions add up to f(input) − f(baseline) to rounding error. Null if the path needs implausibly many pieces.
 * Every piece re-runs the whole network forward and backward: simple, and the oracle the sweep is tested against.
 */
export function exactIntegratedGradientsByRecomputation(
  layers: readonly DenseLayer[],
  input: ArrayLike<number>,
  baseline: ArrayLike<number>,
  calibrations: readonly (Calibration | undefined)[],
): ExactAttributions | null {
  const width = layers[0].inputs;
  const depth = layers.length;
  const head = layers[depth - 1];
  const outputs = head.units;
  const direction = new Float64Array(width);
  for (let i = 0; i < width; i++) direction[i] = input[i] - baseline[i];
  const z = layers.map((layer) => new Float64Array(layer.units));
  const dz = layers.map((layer) => new Float64Array(layer.units));
  const active = layers.map((layer) => new Uint8Array(layer.units));
  const below = new Float64Array(Math.max(width, ...layers.map((l) => l.units)));
  const belowTangent = new Float64Array(below.length);
  const delta = new Float64Array(below.length);
  const deltaBelow = new Float64Array(below.length);
  const columns = Array.from({ length: outputs }, () => new Float64Array(width));
  const scale = calibrations.map((c) => (c && c.kind === 'platt' ? { a: c.a, b: c.b } : { a: 1, b: 0 }));
  const baselineScores = new Float64Array(outputs);
  const scores = new Float64Array(outputs);

  let alpha = 0;
  let segments = 0;
  while (alpha < 1) {
    if (++segments > MAX_SEGMENTS) return null;
    // Forward pass at baseline + alpha·d, carrying the derivative along d; fixes the pattern just past alpha.
    for (let i = 0; i < width; i++) {
      below[i] = baseline[i] + alpha * direction[i];
      belowTangent[i] = direction[i];
    }
    let next = 1;
    for (let l = 0; l < depth; l++) {
      const layer = layers[l];
      const n = layer.inputs;
      for (let u = 0; u < layer.units; u++) {
        let value = layer.bias[u];
        let tangent = 0;
        const row = u * n;
        for (let i = 0; i < n; i++) {
          value += layer.kernel[row + i] * below[i];
          tangent += layer.kernel[row + i] * belowTangent[i];
        }
        z[l][u] = value;
        dz[l][u] = tangent;
        if (l < depth - 1 && layer.activation === 'relu') {
          const on = value > ON_KINK || (value >= -ON_KINK && tangent > 0);
          active[l][u] = on ? 1 : 0;
          // Where this unit switches next, if it does before the end of the path.
          if (on && tangent < 0) next = Math.min(next, alpha + Math.max(value, 0) / -tangent);
          else if (!on && tangent > 0) next = Math.min(next, alpha + Math.max(-value, 0) / tangent);
        } else active[l][u] = 1;
      }
      if (l < depth - 1) {
        for (let u = 0; u < layer.units; u++) {
          below[u] = active[l][u] ? z[l][u] : 0;
          belowTangent[u] = active[l][u] ? dz[l][u] : 0;
        }
      }
    }
    if (!(next > alpha)) next = Math.min(1, alpha + 1e-12);
    const step = next - alpha;
    for (let o = 0; o < outputs; o++) {
      const { a, b } = scale[o];
      const start = z[depth - 1][o];
      const rate = dz[depth - 1][o];
      const fStart = sigmoid(a * start + b);
      const fEnd = sigmoid(a * (start + rate * step) + b);
      if (segments === 1) baselineScores[o] = fStart;
      if (next >= 1) scores[o] = fEnd;
      // Logit gradient under the fixed pattern, by back-propagation from head unit o.
      delta.fill(0, 0, head.inputs);
      for (let i = 0; i < head.inputs; i++) delta[i] = head.kernel[o * head.inputs + i];
      for (let l = depth - 2; l >= 0; l--) {
        const layer = layers[l];
        deltaBelow.fill(0, 0, layer.inputs);
        for (let u = 0; u < layer.units; u++) {
          if (!active[l][u] || delta[u] === 0) continue;
          const row = u * layer.inputs;
          for (let i = 0; i < layer.inputs; i++) deltaBelow[i] += delta[u] * layer.kernel[row + i];
        }
        delta.set(deltaBelow.subarray(0, layer.inputs));
      }
      // ∫ f' dα over the piece = Δf / (g·d) per unit of g·d; on a flat piece f' is constant instead.
      const factor = Math.abs(rate) > 1e-12 ? (fEnd - fStart) / rate : fStart * (1 - fStart) * a * step;
      const target = columns[o];
      for (let i = 0; i < width; i++) target[i] += direction[i] * delta[i] * factor;
    }
    alpha = next;
  }
  return { columns, scores, baselineScores, segments };
}

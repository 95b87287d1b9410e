import type { Calibration } from '../card/model-card.schema';
import { sigmoid } from '../metrics/platt-calibration';
import type { DenseLayer } from '../tfjs/dense-network';
import type { ExactAttributions } from './exact-integrated-gradients';

/** More pieces than this along one path means something is off (a degenerate network): no exact answer then. */
export const MAX_SEGMENTS = 10_000;
/** A pre-activation this close to zero counts as zero; the direction it moves in then decides the ReLU. */
export const ON_KINK = 1e-10;

/**
 * Exact integrated gradients of a ReLU network with a sigmoid head (the same path integral as
 * `exactIntegratedGradientsByRecomputation`), swept along the path instead of recomputed at every kink.
 *
 * Between kinks every pre-activation moves linearly, so values are advanced by step × slope, and at a kink only the
 * units that switch change anything: a unit u of layer l that switches adds or removes column u of the next layer's
 * kernel times its slope (forward), and row u times its back-propagated weight (backward, for the layers below). The
 * gradient is accumulated per unit of the first hidden layer and multiplied through its kernel once at the end. A
 * piece then costs a few dozen operations instead of two full passes over every weight, which is what makes
 * attributions affordable on every decision. All buffers are allocated once per network: not re-entrant.
 */
export class ReluPathSweep {
  private readonly hidden: readonly DenseLayer[];
  private readonly head: DenseLayer;
  private readonly width: number;
  private readonly outputs: number;
  private readonly relu: readonly boolean[];
  /** Per hidden layer: pre-activation at the current point, its slope along the path, and whether the unit is on. */
  private readonly z: Float64Array[];
  private readonly slope: Float64Array[];
  private readonly on: Uint8Array[];
  /** Per hidden layer: the slope it feeds upward (on ? slope : 0), to find what a switch changed. */
  private readonly fed: Float64Array[];
  private readonly activations: Float64Array[];
  /** Per output, per hidden layer: ∂logit/∂(activation of unit u), i.e. back-propagated before that layer's mask. */
  private readonly back: Float64Array[][];
  /** Per output: Σ over pieces of factor × (mask ⊙ back) at the first hidden layer. */
  private readonly accumulated: Float64Array[];
  private readonly headZ: Float64Array;
  private readonly headSlope: Float64Array;
  private readonly direction: Float64Array;
  private readonly firstZ: Float64Array;
  /** Per hidden layer: the units that switched at the current kink, and how many. */
  private readonly switched: Int32Array[];
  private readonly switchCount: Int32Array;

  private constructor(layers: readonly DenseLayer[]) {
    this.hidden = layers.slice(0, -1);
    this.head = layers[layers.length - 1];
    this.width = layers[0].inputs;
    this.outputs = this.head.units;
    this.relu = this.hidden.map((layer) => layer.activation === 'relu');
    this.z = this.hidden.map((layer) => new Float64Array(layer.units));
    this.slope = this.hidden.map((layer) => new Float64Array(layer.units));
    this.on = this.hidden.map((layer) => new Uint8Array(layer.units));
    this.fed = this.hidden.map((layer) => new Float64Array(layer.units));
    this.activations = this.hidden.map((layer) => new Float64Array(layer.units));
    this.back = Array.from({ length: this.outputs }, () => this.hidden.map((layer) => new Float64Array(layer.units)));
    this.accumulated = Array.from({ length: this.outputs }, () => new Float64Array(layers[0].units));
    this.headZ = new Float64Array(this.outputs);
    this.headSlope = new Float64Array(this.outputs);
    this.direction = new Float64Array(this.width);
    this.firstZ = new Float64Array(layers[0].units);
    this.switched = this.hidden.map((layer) => new Int32Array(layer.units));
    this.switchCount = new Int32Array(this.hidden.length);
  }

  /** A sweep for `layers` (ReLU/linear hidden layers under a sigmoid head), or null without a hidden layer. */
  static of(layers: readonly DenseLayer[]): ReluPathSweep | null {
    return layers.length < 2 ? null : new ReluPathSweep(layers);
  }

  attribute(input: ArrayLike<number>, baseline: ArrayLike<number>, calibrations: readonly (Calibration | undefined)[]): ExactAttributions | null {
    const { hidden, outputs, z, slope, on, headZ, headSlope, direction } = this;
    const depth = hidden.length;
    for (let i = 0; i < this.width; i++) direction[i] = input[i] - baseline[i];
    this.start(baseline);
    const scale = calibrations.map((c) => (c && c.kind === 'platt' ? { a: c.a, b: c.b } : { a: 1, b: 0 }));
    const columns = Array.from({ length: outputs }, () => new Float64Array(this.width));
    const baselineScores = new Float64Array(outputs);
    const scores = new Float64Array(outputs);
    for (const accumulated of this.accumulated) accumulated.fill(0);

    let alpha = 0;
    let segments = 0;
    for (;;) {
      if (++segments > MAX_SEGMENTS) return null;
      // The end of this piece: the first unit to reach its kink, or the end of the path.
      let next = 1;
      for (let l = 0; l < depth; l++) {
        if (!this.relu[l]) continue;
        const zl = z[l];
        const sl = slope[l];
        const onl = on[l];
        for (let u = 0; u < zl.length; u++) {
          const t = sl[u];
          if (onl[u] && t < 0) next = Math.min(next, alpha + Math.max(zl[u], 0) / -t);
          else if (!onl[u] && t > 0) next = Math.min(next, alpha + Math.max(-zl[u], 0) / t);
        }
      }
      if (!(next > alpha)) next = Math.min(1, alpha + 1e-12);
      const step = next - alpha;
      for (let o = 0; o < outputs; o++) {
        const { a, b } = scale[o];
        const startZ = headZ[o];
        const rate = headSlope[o];
        const fStart = sigmoid(a * startZ + b);
        const fEnd = sigmoid(a * (startZ + rate * step) + b);
        if (segments === 1) baselineScores[o] = fStart;
        if (next >= 1) scores[o] = fEnd;
        // ∫ f' dα over the piece = Δf / (g·d) per unit of g·d; on a flat piece f' is constant instead.
        const factor = Math.abs(rate) > 1e-12 ? (fEnd - fStart) / rate : fStart * (1 - fStart) * a * step;
        const back = this.back[o][0];
        const accumulated = this.accumulated[o];
        const on0 = on[0];
        for (let u = 0; u < accumulated.length; u++) if (on0[u]) accumulated[u] += factor * back[u];
      }
      if (next >= 1) break;
      alpha = next;
      this.advance(alpha, step);
    }
    // Gradient of a piece = firstKernelᵀ (mask ⊙ back); the kernel is shared by all pieces, so it is applied once.
    const first = hidden[0];
    for (let o = 0; o < outputs; o++) {
      const accumulated = this.accumulated[o];
      const target = columns[o];
      for (let u = 0; u < first.units; u++) {
        const weight = accumulated[u];
        if (weight === 0) continue;
        const row = u * first.inputs;
        for (let i = 0; i < first.inputs; i++) target[i] += weight * first.kernel[row + i];
      }
      for (let i = 0; i < this.width; i++) target[i] *= direction[i];
    }
    return { columns, scores, baselineScores, segments };
  }

  /** The forward pass at the baseline with slopes along the path, and the backward weights of that pattern. */
  private start(baseline: ArrayLike<number>): void {
    const { hidden, head, z, slope, on, fed, direction } = this;
    let below: ArrayLike<number> = baseline;
    let belowSlope: ArrayLike<number> = direction;
    for (let l = 0; l < hidden.length; l++) {
      const layer = hidden[l];
      denseInto(layer, below, z[l], true);
      denseInto(layer, belowSlope, slope[l], false);
      for (let u = 0; u < layer.units; u++) {
        on[l][u] = this.isOn(l, z[l][u], slope[l][u]) ? 1 : 0;
        fed[l][u] = on[l][u] ? slope[l][u] : 0;
      }
      // What the layer passes up at the baseline: its activations (values of units that are on).
      const activations = this.activations[l];
      for (let u = 0; u < layer.units; u++) activations[u] = on[l][u] ? z[l][u] : 0;
      below = activations;
      belowSlope = fed[l];
    }
    this.firstZ.set(z[0]);
    denseInto(head, below, this.headZ, true);
    denseInto(head, belowSlope, this.headSlope, false);
    for (let o = 0; o < this.outputs; o++) {
      const back = this.back[o];
      const top = back[hidden.length - 1];
      for (let u = 0; u < top.length; u++) top[u] = head.kernel[o * head.inputs + u];
      for (let l = hidden.length - 1; l > 0; l--) backInto(hidden[l], on[l], back[l], back[l - 1]);
    }
  }

  /** Moves every value to `alpha` along its slope, then applies the switches there: forward upward, backward downward. */
  private advance(alpha: number, step: number): void {
    const { hidden, head, z, slope, on, fed, headZ, headSlope, switched, switchCount } = this;
    const depth = hidden.length;
    // The first layer is linear in alpha from the baseline: computed afresh, so no rounding accumulates there.
    for (let u = 0; u < z[0].length; u++) z[0][u] = this.firstZ[u] + alpha * slope[0][u];
    for (let l = 1; l < depth; l++) for (let u = 0; u < z[l].length; u++) z[l][u] += step * slope[l][u];
    for (let o = 0; o < this.outputs; o++) headZ[o] += step * headSlope[o];
    for (let l = 0; l < depth; l++) {
      const layer = hidden[l];
      const above = l + 1 < depth ? hidden[l + 1] : head;
      const aboveSlope = l + 1 < depth ? slope[l + 1] : headSlope;
      let count = 0;
      for (let u = 0; u < layer.units; u++) {
        const nowOn = this.isOn(l, z[l][u], slope[l][u]);
        if (nowOn !== (on[l][u] === 1)) {
          on[l][u] = nowOn ? 1 : 0;
          switched[l][count++] = u;
        }
        // What this unit feeds upward changed (it switched, or its slope moved with a switch below): column update.
        const feeds = nowOn ? slope[l][u] : 0;
        const delta = feeds - fed[l][u];
        if (delta !== 0) {
          fed[l][u] = feeds;
          for (let v = 0; v < above.units; v++) aboveSlope[v] += above.kernel[v * above.inputs + u] * delta;
        }
      }
      switchCount[l] = count;
    }
    // Backward: a switch in layer l ≥ 1 adds or removes kernel row u in the weights of layer l − 1; below that, the
    // changed weights pass through the (possibly switched) masks in full.
    for (let o = 0; o < this.outputs; o++) {
      const back = this.back[o];
      let changed = false;
      for (let l = depth - 1; l >= 1; l--) {
        const layer = hidden[l];
        if (changed) {
          backInto(layer, on[l], back[l], back[l - 1]);
          continue;
        }
        for (let k = 0; k < switchCount[l]; k++) {
          const u = switched[l][k];
          const weight = on[l][u] ? back[l][u] : -back[l][u];
          if (weight === 0) continue;
          const row = u * layer.inputs;
          const target = back[l - 1];
          for (let i = 0; i < layer.inputs; i++) target[i] += weight * layer.kernel[row + i];
          changed = true;
        }
      }
    }
  }

  private isOn(l: number, value: number, tangent: number): boolean {
    if (!this.relu[l]) return true;
    return value > ON_KINK || (value >= -ON_KINK && tangent > 0);
  }
}

/** out = kernel · x (+ bias): one dense layer before its activation. */
function denseInto(layer: DenseLayer, x: ArrayLike<number>, out: Float64Array, withBias: boolean): void {
  const n = layer.inputs;
  for (let u = 0; u < layer.units; u++) {
    let sum = withBias ? layer.bias[u] : 0;
    const row = u * n;
    for (let i = 0; i < n; i++) sum += layer.kernel[row + i] * x[i];
    out[u] = sum;
  }
}

/** below = kernelᵀ (mask ⊙ upper): back-propagation through one layer with a fixed pattern. */
function backInto(layer: DenseLayer, mask: Uint8Array, upper: Float64Array, below: Float64Array): void {
  below.fill(0);
  for (let u = 0; u < layer.units; u++) {
    const weight = mask[u] ? upper[u] : 0;
    if (weight === 0) continue;
    const row = u * layer.inputs;
    for (let i = 0; i < layer.inputs; i++) below[i] += weight * layer.kernel[row + i];
  }
}

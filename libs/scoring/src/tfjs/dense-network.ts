import type { LayersModel } from '@tensorflow/tfjs';
import { denseRows } from './dense-rows';

export const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'elu', 'softplus'] as const;
type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

/**
 * Rows `predictInto` carries through the layers together: a block's activations stay in the first-level cache from
 * one layer to the next, and each weight read serves several rows.
 */
const BLOCK_ROWS = 64;
/** Below this many rows a call takes the one-row path (the decision path scores one customer at a time). */
const MIN_BLOCKED_ROWS = 4;

export interface DenseLayer {
  readonly inputs: number;
  readonly units: number;
  /** units × inputs, row-major by unit. */
  readonly kernel: Float64Array;
  readonly bias: Float64Array;
  readonly activation: DenseActivation;
}

/**
 * A stack of dense layers evaluated in plain JavaScript, compiled from a TF.js layers model. For the small tabular
 * networks banks score with, a tensor round trip costs far more than the arithmetic; here a forward pass and its
 * gradient take microseconds, with no allocation per call. Models with other layers keep running on TF.js.
 */
export class DenseNetwork {
  readonly inputWidth: number;
  readonly outputCount: number;
  /** Activations per layer (index 0 = input), reused between calls: a network is not re-entrant. */
  private readonly activations: Float64Array[];
  private readonly preActivations: Float64Array[];
  private readonly deltas: Float64Array[];
  /** `BLOCK_ROWS` rows of activations per layer (index 0 = input), row-major, for batch calls. */
  private readonly blockActivations: Float64Array[];

  private constructor(readonly layers: readonly DenseLayer[]) {
    this.inputWidth = layers[0].inputs;
    this.outputCount = layers[layers.length - 1].units;
    this.activations = [new Float64Array(this.inputWidth), ...layers.map((layer) => new Float64Array(layer.units))];
    this.preActivations = layers.map((layer) => new Float64Array(layer.units));
    this.deltas = [new Float64Array(this.inputWidth), ...layers.map((layer) => new Float64Array(layer.units))];
    this.blockActivations = [new Float64Array(BLOCK_ROWS * this.inputWidth), ...layers.map((layer) => new Float64Array(BLOCK_ROWS * layer.units))];
  }

  /** The network of `model`, or null when it holds anything but Dense, Dropout and input layers. */
  static fromLayersModel(model: LayersModel): DenseNetwork | null {
    const layers: DenseLayer[] = [];
    for (const layer of model.layers) {
      const className = layer.getClassName();
      if (className === 'InputLayer' || className === 'Dropout') continue;
      if (className !== 'Dense') return null;
      const config = layer.getConfig() as { activation?: string; useBias?: boolean };
      const activation = (config.activation ?? 'linear') as DenseActivation;
      if (!DENSE_ACTIVATIONS.includes(activation)) return null;
      const weights = layer.getWeights();
      const kernelTensor = weights[0];
      const [inputs, units] = kernelTensor.shape as [number, number];
      const kernelValues = kernelTensor.dataSync();
      // TF.js keeps kernels inputs × units; store by unit so each unit's dot product reads contiguous memory.
      const kernel = new Float64Array(units * inputs);
      for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) kernel[u * inputs + i] = kernelValues[i * units + u];
      const bias = config.useBias === false || weights.length < 2 ? new Float64Array(units) : Float64Array.from(weights[1].dataSync());
      if (layers.length > 0 && layers[layers.length - 1].units !== inputs) return null;
      layers.push({ inputs, units, kernel, bias, activation });
    }
    return layers.length === 0 ? null : new DenseNetwork(layers);
  }

  get parameterCount(): number {
    return this.layers.reduce((sum, layer) => sum + layer.kernel.length + layer.bias.length, 0);
  }

  /** Whether outputs pass through a sigmoid, so the last pre-activation is a logit. */
  get outputsAreSigmoid(): boolean {
    return this.layers[this.layers.length - 1].activation === 'sigmoid';
  }

  /**
   * Outputs for `rows` rows of `inputs` (row-major) into `out` (rows × outputCount). Equal, bit for bit, to a
   * forward pass per row: each unit sums its bias and products in the same order, only several rows at a time.
   */
  predictInto(inputs: Float32Array | Float64Array, rows: number, out: Float32Array | Float64Array): void {
    if (rows < MIN_BLOCKED_ROWS) {
      const width = this.inputWidth;
      const last = this.activations[this.layers.length];
      for (let r = 0; r < rows; r++) {
        this.forward(inputs, r * width);
        for (let o = 0; o < this.outputCount; o++) out[r * this.outputCount + o] = last[o];
      }
      return;
    }
    for (let first = 0; first < rows; first += BLOCK_ROWS) this.forwardBlock(inputs, first, Math.min(BLOCK_ROWS, rows - first), out);
  }

  predict(inputs: Float32Array | Float64Array, rows: number): Float32Array {
    const out = new Float32Array(rows * this.outputCount);
    this.predictInto(inputs, rows, out);
    return out;
  }

  /**
   * The logit of `output` (the final pre-activation; for a non-sigmoid head, logit of the output) at each row and
   * its gradient with respect to the inputs, by back-propagation.
   */
  logitGradients(inputs: Float32Array | Float64Array, rows: number, output: number): { logits: Float64Array; gradients: Float64Array } {
    const width = this.inputWidth;
    const logits = new Float64Array(rows);
    const gradients = new Float64Array(rows * width);
    const depth = this.layers.length;
    const sigmoidHead = this.outputsAreSigmoid;
    for (let r = 0; r < rows; r++) {
      this.forward(inputs, r * width);
      const top = this.deltas[depth];
      top.fill(0);
      if (sigmoidHead) {
        logits[r] = this.preActivations[depth - 1][output];
        top[output] = 1;
      } else {
        // d logit(p) / dp = 1 / (p (1 − p)); clamp so a saturated output keeps a finite slope.
        const p = Math.min(1 - 1e-7, Math.max(1e-7, this.activations[depth][output]));
        logits[r] = Math.log(p / (1 - p));
        top[output] = 1 / (p * (1 - p));
      }
      for (let l = depth - 1; l >= 0; l--) {
        const layer = this.layers[l];
        const upstream = this.deltas[l + 1];
        const below = this.deltas[l];
        below.fill(0);
        const z = this.preActivations[l];
        const a = this.activations[l + 1];
        const isHead = l === depth - 1;
        for (let u = 0; u < layer.units; u++) {
          let delta = upstream[u];
          if (delta === 0) continue;
          // The head's sigmoid is skipped: its pre-activation is the logit we differentiate.
          if (!(isHead && sigmoidHead)) delta *= derivative(layer.activation, z[u], a[u]);
          const row = u * layer.inputs;
          for (let i = 0; i < layer.inputs; i++) below[i] += delta * layer.kernel[row + i];
        }
      }
      gradients.set(this.deltas[0], r * width);
    }
    return { logits, gradients };
  }

  /** Rows `first … first + count` (count ≤ BLOCK_ROWS) through every layer, outputs into `out`. */
  private forwardBlock(inputs: Float32Array | Float64Array, first: number, count: number, out: Float32Array | Float64Array): void {
    const block = this.blockActivations;
    const input = block[0];
    const from = first * this.inputWidth;
    for (let j = 0; j < count * this.inputWidth; j++) input[j] = inputs[from + j];
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const relu = layer.activation === 'relu';
      denseRows(layer.kernel, layer.bias, layer.inputs, layer.units, block[l], block[l + 1], count, relu);
      if (!relu) activateRows(layer.activation, block[l + 1], count * layer.units);
    }
    const outputs = this.outputCount;
    const last = block[this.layers.length];
    const at = first * outputs;
    for (let j = 0; j < count * outputs; j++) out[at + j] = last[j];
  }

  private forward(inputs: Float32Array | Float64Array, offset: number): void {
    const input = this.activations[0];
    for (let i = 0; i < this.inputWidth; i++) input[i] = inputs[offset + i];
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const below = this.activations[l];
      const z = this.preActivations[l];
      const a = this.activations[l + 1];
      const { kernel, bias, inputs: n } = layer;
      for (let u = 0; u < layer.units; u++) {
        let sum = bias[u];
        const row = u * n;
        for (let i = 0; i < n; i++) sum += kernel[row + i] * below[i];
        z[u] = sum;
        a[u] = activate(layer.activation, sum);
      }
    }
  }
}

/** `activate` over values[0 … count] (ReLU is applied by `denseRows` as it stores). */
function activateRows(activation: DenseActivation, values: Float64Array, count: number): void {
  if (activation === 'linear') return;
  for (let j = 0; j < count; j++) values[j] = activate(activation, values[j]);
}

function activate(activation: DenseActivation, x: number): number {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'softplus':
      return x > 30 ? x : Math.log1p(Math.exp(x));
  }
}

/** d activation / d z, from z and the activation value a. */
function derivative(activation: DenseActivation, z: number, a: number): number {
  switch (activation) {
    case 'linear':
      return 1;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    case 'elu':
      return z > 0 ? 1 : a + 1;
    case 'softplus':
      return 1 / (1 + Math.exp(-z));
  }
}

import type { Calibration } from '../card/model-card.schema';
import type { ExactAttributions } from '../explain/exact-integrated-gradients';

/**
 * A loaded model, whatever its format: encoded input rows in, one probability per output out (row-major,
 * rows × outputCount). Runners are created by the format adapters (TF.js layers, ONNX) and used by `ModelScorer`.
 */
export interface ModelRunner {
  readonly format: 'tfjs-layers' | 'onnx';
  readonly inputWidth: number;
  readonly outputCount: number;
  /** Uncalibrated probabilities for `rows` rows of `inputs` (row-major, rows × inputWidth). */
  run(inputs: Float32Array, rows: number): Promise<Float32Array>;
  /** The same, synchronously, where the format allows it (TF.js): the decision path scores without awaiting. */
  runSync?(inputs: Float32Array, rows: number): Float32Array;
  /**
   * For each row, the logit of output `output` and its gradient with respect to the input (rows × inputWidth):
   * what integrated gradients needs. Present on differentiable runners only.
   */
  logitGradients?(inputs: Float32Array, rows: number, output: number): { readonly logits: Float64Array; readonly gradients: Float64Array };
  /**
   * Integrated gradients of every output without discretisation error, where the architecture allows it (ReLU
   * networks with sigmoid heads); null otherwise, and callers fall back to `logitGradients` with a Riemann sum.
   */
  exactIntegratedGradients?(input: Float32Array, baseline: Float32Array, calibrations: readonly (Calibration | undefined)[]): ExactAttributions | null;
  dispose(): void;
}

import * as tf from '@tensorflow/tfjs';
import { KairosError } from '@kairos/contracts';
import type { Calibration } from '../card/model-card.schema';
import { ExactAttributions, exactIntegratedGradients, isPiecewiseLinear } from '../explain/exact-integrated-gradients';
import type { ModelRunner } from '../runtime/model-runner';
import { DenseNetwork } from './dense-network';
import { prepareTensorflow } from './tensorflow-backend';

export interface TfjsRunnerOptions {
  /**
   * Evaluate dense-only networks in plain JavaScript (default true). Off, every call goes through TF.js: useful
   * to check the two agree, and the path any other architecture takes.
   */
  readonly compileDense?: boolean;
}

/** A TF.js layers model as a `ModelRunner`: synchronous, differentiable, on whichever backend is prepared. */
export class TfjsLayersRunner implements ModelRunner {
  readonly format = 'tfjs-layers' as const;
  readonly inputWidth: number;
  readonly outputCount: number;
  /** The plain-JavaScript evaluator when the architecture allows it. */
  readonly dense: DenseNetwork | null;
  private readonly piecewiseLinear: boolean;

  constructor(
    readonly model: tf.LayersModel,
    options: TfjsRunnerOptions = {},
  ) {
    const inputShape = model.inputs[0]?.shape;
    const outputShape = model.outputs[0]?.shape;
    if (model.inputs.length !== 1 || model.outputs.length !== 1 || inputShape?.length !== 2 || outputShape?.length !== 2) {
      throw new KairosError('VALIDATION_FAILED', 'a scoring model takes one [rows, features] input and gives one [rows, outputs] output', [
        { path: 'modelJson.modelTopology', rule: 'model_shape', message: 'needs a single 2-D input and a single 2-D output' },
      ]);
    }
    this.inputWidth = inputShape[1] as number;
    this.outputCount = outputShape[1] as number;
    this.dense = options.compileDense === false ? null : DenseNetwork.fromLayersModel(model);
    this.piecewiseLinear = this.dense !== null && isPiecewiseLinear(this.dense.layers);
  }

  /** Loads through any TF.js IOHandler (e.g. `layersModelFiles(dir)` or `layersModelFromBytes(bytes)`). */
  static async load(handler: tf.io.IOHandler, options: TfjsRunnerOptions = {}): Promise<TfjsLayersRunner> {
    await prepareTensorflow();
    const model = await tf.loadLayersModel(handler);
    return new TfjsLayersRunner(model, options);
  }

  runSync(inputs: Float32Array, rows: number): Float32Array {
    if (this.dense) return this.dense.predict(inputs, rows);
    return tf.tidy(() => {
      const output = this.model.predict(tf.tensor2d(inputs.subarray(0, rows * this.inputWidth), [rows, this.inputWidth])) as tf.Tensor;
      return Float32Array.from(output.dataSync());
    });
  }

  async run(inputs: Float32Array, rows: number): Promise<Float32Array> {
    return this.runSync(inputs, rows);
  }

  logitGradients(inputs: Float32Array, rows: number, output: number): { logits: Float64Array; gradients: Float64Array } {
    if (this.dense) return this.dense.logitGradients(inputs, rows, output);
    const [logits, gradients] = tf.tidy(() => {
      const logitOf = (x: tf.Tensor): tf.Tensor => {
        const p = (this.model.apply(x, { training: false }) as tf.Tensor).slice([0, output], [-1, 1]).clipByValue(1e-7, 1 - 1e-7);
        return tf.sub(tf.log(p), tf.log(tf.sub(1, p)));
      };
      const x = tf.tensor2d(inputs.subarray(0, rows * this.inputWidth), [rows, this.inputWidth]);
      // Rows are independent, so the gradient of the sum is each row's own gradient.
      return [logitOf(x), tf.grad((batch: tf.Tensor) => logitOf(batch).sum())(x)];
    });
    try {
      return { logits: Float64Array.from(logits.dataSync()), gradients: Float64Array.from(gradients.dataSync()) };
    } finally {
      tf.dispose([logits, gradients]);
    }
  }

  exactIntegratedGradients(input: Float32Array, baseline: Float32Array, calibrations: readonly (Calibration | undefined)[]): ExactAttributions | null {
    return this.piecewiseLinear ? exactIntegratedGradients(this.dense!.layers, input, baseline, calibrations) : null;
  }

  dispose(): void {
    this.model.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@kairos/random';
import { DenseNetwork } from './dense-network';
import { prepareTensorflow } from './tensorflow-backend';

type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'softplus' | 'linear';

/** A dense stack with seeded weights: odd unit counts and every activation, so each path of the batch kernel runs. */
function network(width: number, layers: readonly [number, Activation][]): { model: tf.Sequential; dense: DenseNetwork } {
  const model = tf.sequential();
  layers.forEach(([units, activation], l) => {
    model.add(
      tf.layers.dense({
        units,
        activation,
        ...(l === 0 ? { inputShape: [width] } : {}),
        kernelInitializer: tf.initializers.randomNormal({ seed: 11 + l, stddev: 0.6 }),
        biasInitializer: tf.initializers.randomNormal({ seed: 31 + l, stddev: 0.4 }),
      }),
    );
  });
  const dense = DenseNetwork.fromLayersModel(model);
  if (!dense) throw new Error('not a dense stack');
  return { model, dense };
}

function randomRows(rows: number, width: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  // Some exact zeros and whole numbers, as encoded features have, among spread-out values.
  return Float32Array.from({ length: rows * width }, () => {
    const u = random();
    return u < 0.15 ? 0 : u < 0.3 ? Math.floor(random() * 5) : (random() - 0.5) * 6;
  });
}

/** Outputs one row at a time: the path single-customer scoring takes. */
function rowByRow(dense: DenseNetwork, inputs: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * dense.outputCount);
  for (let r = 0; r < rows; r++) out.set(dense.predict(inputs.subarray(r * dense.inputWidth, (r + 1) * dense.inputWidth), 1), r * dense.outputCount);
  return out;
}

describe('DenseNetwork batch forward pass', () => {
  beforeAll(async () => {
    await prepareTensorflow('cpu');
  });

  const shapes: [string, number, [number, Activation][]][] = [
    ['ReLU layers, two sigmoid outputs (churn-like)', 18, [[32, 'relu'], [16, 'relu'], [2, 'sigmoid']]],
    ['odd widths, one output', 7, [[9, 'relu'], [5, 'relu'], [1, 'sigmoid']]],
    ['smooth activations, three outputs', 11, [[6, 'tanh'], [5, 'elu'], [4, 'softplus'], [3, 'sigmoid']]],
    ['linear layer before the head', 4, [[3, 'linear'], [2, 'sigmoid']]],
  ];

  it.each(shapes)('gives the one-row results bit for bit for blocks and leftover rows (%s)', (_name, width, layers) => {
    const { model, dense } = network(width, layers);
    // 64-row blocks, then 11 rows: two groups of four and three single rows.
    for (const rows of [1, 3, 4, 5, 203]) {
      const inputs = randomRows(rows, width, rows);
      expect(Array.from(dense.predict(inputs, rows))).toEqual(Array.from(rowByRow(dense, inputs, rows)));
    }
    model.dispose();
  });

  it('agrees with TF.js on a batch and fills a Float64 output from Float64 inputs alike', () => {
    const { model, dense } = network(18, [[32, 'relu'], [16, 'relu'], [3, 'sigmoid']]);
    const rows = 150;
    const inputs = randomRows(rows, 18, 7);
    const batch = dense.predict(inputs, rows);
    const reference = tf.tidy(() => (model.predict(tf.tensor2d(inputs, [rows, 18])) as tf.Tensor).dataSync());
    batch.forEach((value, i) => expect(Math.abs(value - reference[i])).toBeLessThan(1e-6));
    const wide = new Float64Array(rows * 3);
    dense.predictInto(Float64Array.from(inputs), rows, wide);
    expect(Array.from(wide, Math.fround)).toEqual(Array.from(batch));
    model.dispose();
  });

  it('leaves rows beyond the count untouched', () => {
    const { model, dense } = network(4, [[3, 'relu'], [1, 'sigmoid']]);
    const out = new Float32Array(10).fill(-1);
    dense.predictInto(randomRows(10, 4, 3), 6, out);
    expect(Array.from(out.subarray(6))).toEqual([-1, -1, -1, -1]);
    expect(out.subarray(0, 6).every((p) => p > 0 && p < 1)).toBe(true);
    model.dispose();
  });
});

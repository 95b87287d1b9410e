import { join } from 'node:path';
import { seededRandom } from '@kairos/random';
import type { Calibration } from '../card/model-card.schema';
import type { DenseLayer } from '../tfjs/dense-network';
import { layersModelFiles } from '../tfjs/layers-model-files';
import { prepareTensorflow } from '../tfjs/tensorflow-backend';
import { TfjsLayersRunner } from '../tfjs/tfjs-layers-runner';
import { exactIntegratedGradients, exactIntegratedGradientsByRecomputation, type ExactAttributions } from './exact-integrated-gradients';
import { integratedGradients } from './integrated-gradients';
import { ReluPathSweep } from './relu-path-sweep';

type Activation = DenseLayer['activation'];

/** A dense network with seeded weights: hidden sizes with their activations, then a sigmoid head. */
function network(random: () => number, width: number, hidden: readonly (readonly [number, Activation])[], outputs: number): DenseLayer[] {
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const layers: DenseLayer[] = [];
  let inputs = width;
  for (const [units, activation] of [...hidden, [outputs, 'sigmoid'] as const]) {
    const kernel = Float64Array.from({ length: units * inputs }, () => gaussian() / Math.sqrt(inputs));
    const bias = Float64Array.from({ length: units }, () => 0.3 * gaussian());
    layers.push({ inputs, units, kernel, bias, activation });
    inputs = units;
  }
  return layers;
}

function vector(random: () => number, width: number, spread: number): Float32Array {
  // Some coordinates equal the baseline's 0 exactly, as imputed features do.
  return Float32Array.from({ length: width }, () => (random() < 0.2 ? 0 : (random() - 0.4) * spread));
}

function expectSameAttributions(fast: ExactAttributions, reference: ExactAttributions): void {
  expect(fast.segments).toBe(reference.segments);
  fast.columns.forEach((columns, o) => {
    columns.forEach((value, i) => expect(Math.abs(value - reference.columns[o][i])).toBeLessThan(1e-9));
    expect(Math.abs(fast.scores[o] - reference.scores[o])).toBeLessThan(1e-12);
    expect(Math.abs(fast.baselineScores[o] - reference.baselineScores[o])).toBeLessThan(1e-12);
    // Completeness: the attributions add up to score − baseline score.
    const total = columns.reduce((sum, value) => sum + value, 0);
    expect(Math.abs(total - (fast.scores[o] - fast.baselineScores[o]))).toBeLessThan(1e-9);
  });
}

const PLATT: readonly (Calibration | undefined)[] = [{ kind: 'platt', a: 1.3, b: -0.2 }, undefined, { kind: 'none' }];

describe('ReLU path sweep', () => {
  it.each([
    ['one hidden ReLU layer', 6, [[12, 'relu']], 1],
    ['two hidden ReLU layers, several heads', 14, [[32, 'relu'], [16, 'relu']], 3],
    ['three hidden layers with a linear one', 9, [[16, 'relu'], [8, 'linear'], [8, 'relu']], 2],
  ] as const)('gives the attributions of the recomputing integral on random inputs (%s)', (_name, width, hidden, outputs) => {
    const random = seededRandom(width * 31 + outputs);
    const layers = network(random, width, hidden, outputs);
    const sweep = ReluPathSweep.of(layers)!;
    const calibrations = Array.from({ length: outputs }, (_, o) => PLATT[o % PLATT.length]);
    let kinks = 0;
    for (let k = 0; k < 300; k++) {
      const input = vector(random, width, 6);
      const baseline = k % 3 === 0 ? new Float32Array(width) : vector(random, width, 2);
      const reference = exactIntegratedGradientsByRecomputation(layers, input, baseline, calibrations)!;
      expectSameAttributions(sweep.attribute(input, baseline, calibrations)!, reference);
      kinks += reference.segments - 1;
    }
    // The paths cross many kinks, so the incremental switching is what is being compared.
    expect(kinks).toBeGreaterThan(300);
  });

  it('gives zero attributions on an empty path and serves networks without a hidden layer directly', () => {
    const random = seededRandom(5);
    const layers = network(random, 4, [[8, 'relu']], 1);
    const point = vector(random, 4, 3);
    const none = ReluPathSweep.of(layers)!.attribute(point, point, [undefined])!;
    expect([...none.columns[0]].map((value) => Math.abs(value))).toEqual([0, 0, 0, 0]);
    expect(none.scores[0]).toBeCloseTo(none.baselineScores[0], 12);
    const logistic = network(random, 3, [], 1);
    expect(ReluPathSweep.of(logistic)).toBeNull();
    const input = vector(random, 3, 3);
    expectSameAttributions(exactIntegratedGradients(logistic, input, new Float32Array(3), [undefined])!, exactIntegratedGradientsByRecomputation(logistic, input, new Float32Array(3), [undefined])!);
  });

  it('gives the shipped churn model the attributions of the recomputing integral and of a fine TF.js Riemann sum', async () => {
    await prepareTensorflow('cpu');
    const runner = await TfjsLayersRunner.load(layersModelFiles(join(__dirname, '../../../../models/churn/artifact')));
    const autodiff = new TfjsLayersRunner(runner.model, { compileDense: false });
    const random = seededRandom(2026);
    const width = runner.inputWidth;
    const calibrations: (Calibration | undefined)[] = [{ kind: 'platt', a: 0.9, b: -0.1 }, undefined];
    for (let k = 0; k < 200; k++) {
      const input = vector(random, width, 8);
      const baseline = new Float32Array(width);
      const fast = runner.exactIntegratedGradients(input, baseline, calibrations)!;
      expectSameAttributions(fast, exactIntegratedGradientsByRecomputation(runner.dense!.layers, input, baseline, calibrations)!);
      if (k < 2) {
        // Independently of the dense evaluator: TF.js autodiff along 4,096 steps converges to the same integral.
        const riemann = integratedGradients(autodiff, input, baseline, 0, calibrations[0], 4096);
        fast.columns[0].forEach((value, i) => expect(Math.abs(value - riemann.columns[i])).toBeLessThan(1e-3));
      }
    }
    runner.dispose();
  });
});

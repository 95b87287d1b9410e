import * as tf from '@tensorflow/tfjs';
import { prepareTensorflow } from '../tfjs/tensorflow-backend';
import { TfjsLayersRunner } from '../tfjs/tfjs-layers-runner';
import { exactIntegratedGradients, isPiecewiseLinear } from './exact-integrated-gradients';
import { integratedGradients } from './integrated-gradients';

function smallNetwork(width: number, outputs: number, activation: 'relu' | 'tanh' = 'tanh'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, activation, inputShape: [width], kernelInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.8 }), biasInitializer: tf.initializers.randomNormal({ seed: 4, stddev: 0.3 }) }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 5, stddev: 0.8 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) }));
  model.add(tf.layers.dense({ units: outputs, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ seed: 6, stddev: 0.8 }) }));
  return model;
}

describe('integrated gradients on TF.js models', () => {
  beforeAll(async () => {
    await prepareTensorflow('cpu');
  });

  const input = Float32Array.from([1.5, -0.7, 0.3, 2.0]);
  const baseline = Float32Array.from([0, 0, 0, 0]);

  it('the compiled dense network scores exactly like TF.js', () => {
    const model = smallNetwork(4, 2);
    const compiled = new TfjsLayersRunner(model);
    const plain = new TfjsLayersRunner(model, { compileDense: false });
    expect(compiled.dense).not.toBeNull();
    expect(plain.dense).toBeNull();
    const rows = Float32Array.from([...input, ...baseline, -1, 2, 0.5, -0.25]);
    const a = compiled.runSync(rows, 3);
    const b = plain.runSync(rows, 3);
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i], 5));
    model.dispose();
  });

  it('analytic gradients equal TF.js autodiff', () => {
    const model = smallNetwork(4, 2);
    const compiled = new TfjsLayersRunner(model).logitGradients(input, 1, 1);
    const autodiff = new TfjsLayersRunner(model, { compileDense: false }).logitGradients(input, 1, 1);
    expect(compiled.logits[0]).toBeCloseTo(autodiff.logits[0], 4);
    compiled.gradients.forEach((g, i) => expect(g).toBeCloseTo(autodiff.gradients[i], 4));
    model.dispose();
  });

  it.each([
    ['compiled', true],
    ['TF.js autodiff', false],
  ])('attributions add up to score − baseline score (%s)', (_name, compileDense) => {
    const model = smallNetwork(4, 2);
    const runner = new TfjsLayersRunner(model, { compileDense });
    const calibration = { kind: 'platt' as const, a: 0.8, b: -0.4 };
    const result = integratedGradients(runner, input, baseline, 0, calibration, 64);
    const [score] = runner.runSync(input, 1);
    const [baseScore] = runner.runSync(baseline, 1);
    const calibrated = (p: number) => 1 / (1 + Math.exp(-(0.8 * Math.log(p / (1 - p)) - 0.4)));
    expect(result.score).toBeCloseTo(calibrated(score), 5);
    expect(result.baselineScore).toBeCloseTo(calibrated(baseScore), 5);
    const total = result.columns.reduce((sum, value) => sum + value, 0);
    expect(Math.abs(total - (result.score - result.baselineScore))).toBeLessThan(2e-3);
    expect(Math.abs(result.completenessGap)).toBeLessThan(2e-3);
    model.dispose();
  });

  it('exact path integrals on ReLU networks: complete to rounding and equal to the fine Riemann limit', () => {
    const model = smallNetwork(4, 2, 'relu');
    const runner = new TfjsLayersRunner(model);
    const layers = runner.dense!.layers;
    expect(isPiecewiseLinear(layers)).toBe(true);
    const calibrations = [{ kind: 'platt' as const, a: 1.3, b: 0.2 }, undefined];
    const exact = exactIntegratedGradients(layers, input, baseline, calibrations)!;
    expect(exact.segments).toBeGreaterThan(1);
    for (let o = 0; o < 2; o++) {
      const total = exact.columns[o].reduce((sum, value) => sum + value, 0);
      expect(Math.abs(total - (exact.scores[o] - exact.baselineScores[o]))).toBeLessThan(1e-9);
      const fine = integratedGradients(runner, input, baseline, o, calibrations[o], 4096);
      expect(exact.scores[o]).toBeCloseTo(fine.score, 6);
      exact.columns[o].forEach((value, i) => expect(value).toBeCloseTo(fine.columns[i], 4));
    }
    expect(runner.exactIntegratedGradients(input, baseline, calibrations)).not.toBeNull();
    expect(isPiecewiseLinear(new TfjsLayersRunner(smallNetwork(4, 2, 'tanh')).dense!.layers)).toBe(false);
    model.dispose();
  });

  it('is exact for a logistic regression: each attribution is its share of the logit path', () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3], kernelInitializer: 'zeros' }));
    model.layers[0].setWeights([tf.tensor2d([[0.5], [-1], [2]]), tf.tensor1d([0.1])]);
    const runner = new TfjsLayersRunner(model);
    const x = Float32Array.from([1, 1, 0]);
    const b = Float32Array.from([0, 0, 0]);
    // On the logit scale (no calibration slope involved) IG of a linear function is w·(x − b) exactly; through the
    // sigmoid the attributions keep the ratios of w·(x − b) because the path gradient is shared by all features.
    const ig = integratedGradients(runner, x, b, 0, { kind: 'none' }, 256);
    expect(ig.columns[2]).toBe(0);
    expect(ig.columns[0] / ig.columns[1]).toBeCloseTo(0.5 / -1, 6);
    expect(ig.columns[0] + ig.columns[1]).toBeCloseTo(ig.score - ig.baselineScore, 5);
    model.dispose();
  });
});

/**
 * @jest-environment ./libs/scoring/src/onnx/testing/host-typed-arrays.environment.js
 */
import { KairosError } from '@kairos/contracts';
import { ModelCard, modelCardSchema } from '../card/model-card.schema';
import { ModelScorer } from '../runtime/model-scorer';
import { logisticRegressionOnnx as logisticRegressionOnnxGraph } from './logistic-regression-onnx';
import { OnnxRunner } from './onnx-runner';

/** logit = 0.8·x₀ − 1.5·x₁ + 0.25·x₂ − 0.3, p = sigmoid(logit): written as an ONNX graph right here. */
const WEIGHTS = [0.8, -1.5, 0.25];
const BIAS = -0.3;

const logisticRegressionOnnx = () => logisticRegressionOnnxGraph(WEIGHTS, BIAS);

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const byHand = (x: readonly number[]): number => sigmoid(WEIGHTS.reduce((sum, w, i) => sum + w * x[i], BIAS));

function card(outputName = 'probability'): ModelCard {
  return modelCardSchema.parse({
    schemaVersion: 1,
    modelId: 'onnx-logistic',
    version: '1.0.0',
    family: 'other',
    title: 'Logistic regression written as ONNX in a test',
    format: 'onnx',
    onnx: { inputName: 'features', outputName },
    purposes: ['ai_personalization'],
    intendedUse: 'tests',
    signature: {
      inputs: [
        { name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
        { name: 'complaints_count_90d', type: 'number', missing: { strategy: 'refuse' } },
        { name: 'last_login_at', type: 'timestamp', missing: { strategy: 'impute', value: 30 } },
      ],
      outputs: [{ name: 'response', description: 'probability of a response' }],
    },
    explanation: { method: 'sampled_shapley', baseline: { logins_count_30d: 0, complaints_count_90d: 0, last_login_at: 0 }, steps: 16 },
  });
}

const DAY_MS = 86_400_000;
const AS_OF = Date.UTC(2026, 10, 23);

describe('ONNX runner', () => {
  let runner: OnnxRunner;

  beforeAll(async () => {
    runner = await OnnxRunner.fromBytes(logisticRegressionOnnx(), { inputName: 'features', outputName: 'probability', inputWidth: 3, outputCount: 1 });
  });

  afterAll(() => runner.dispose());

  it('scores a batch exactly as the hand computation', async () => {
    const rows = [
      [0, 0, 0],
      [2, 1, 3],
      [-1, 0.5, 10],
    ];
    const out = await runner.run(Float32Array.from(rows.flat()), rows.length);
    rows.forEach((row, r) => expect(out[r]).toBeCloseTo(byHand(row), 6));
  });

  it('scores a customer and explains it with exact Shapley values that add up to score − baseline', async () => {
    const scorer = new ModelScorer(card(), runner);
    const result = await scorer.score({ customerId: 'c-1', features: { logins_count_30d: 2, complaints_count_90d: 1, last_login_at: AS_OF - 3 * DAY_MS }, asOfMs: AS_OF });
    expect(result.status).toBe('scored');
    if (result.status !== 'scored') return;
    const x = [2, 1, 3];
    expect(result.scores[0].score).toBeCloseTo(byHand(x), 6);
    const explanation = result.explanation!.outputs[0];
    expect(explanation.baselineScore).toBeCloseTo(byHand([0, 0, 0]), 6);
    const total = explanation.attributions.reduce((sum, a) => sum + a.contribution, 0);
    expect(total).toBeCloseTo(byHand(x) - byHand([0, 0, 0]), 6);
    expect(Math.abs(explanation.completenessGap)).toBeLessThan(1e-6);

    // Exact Shapley value of feature 0 over the 3! orderings, computed by hand from the coalitions.
    const f = (on: readonly boolean[]): number => byHand(x.map((v, i) => (on[i] ? v : 0)));
    const phi0 =
      (2 * (f([true, false, false]) - f([false, false, false])) +
        (f([true, true, false]) - f([false, true, false])) +
        (f([true, false, true]) - f([false, false, true])) +
        2 * (f([true, true, true]) - f([false, true, true]))) /
      6;
    const logins = explanation.attributions.find((a) => a.feature === 'logins_count_30d')!;
    expect(logins.contribution).toBeCloseTo(phi0, 6);
    expect(logins.value).toBe(2);
    const complaints = explanation.attributions.find((a) => a.feature === 'complaints_count_90d')!;
    expect(complaints.contribution).toBeLessThan(0);
    expect(result.explanation!.reasons.find((r) => r.feature === 'complaints_count_90d')).toMatchObject({
      code: 'complaints_count_90d.higher',
      direction: 'lowers',
      text: { en: 'Many complaints in the last 90 days', de: 'Viele Beschwerden in den letzten 90 Tagen' },
    });
  });

  it('attributes the logit output linearly: w·(x − baseline) per feature', async () => {
    const logitRunner = await OnnxRunner.fromBytes(logisticRegressionOnnx(), { inputName: 'features', outputName: 'logit', inputWidth: 3, outputCount: 1 });
    try {
      const scorer = new ModelScorer(card('logit'), logitRunner);
      const result = await scorer.score({ features: { logins_count_30d: 4, complaints_count_90d: 2, last_login_at: AS_OF - 10 * DAY_MS }, asOfMs: AS_OF });
      if (result.status !== 'scored') throw new Error('expected a score');
      const contributions = Object.fromEntries(result.explanation!.outputs[0].attributions.map((a) => [a.feature, a.contribution]));
      expect(contributions['logins_count_30d']).toBeCloseTo(0.8 * 4, 5);
      expect(contributions['complaints_count_90d']).toBeCloseTo(-1.5 * 2, 5);
      expect(contributions['last_login_at']).toBeCloseTo(0.25 * 10, 5);
    } finally {
      logitRunner.dispose();
    }
  });

  it('refuses a customer whose required feature is missing, without throwing', async () => {
    const scorer = new ModelScorer(card(), runner);
    const result = await scorer.score({ features: { logins_count_30d: 1, complaints_count_90d: null }, asOfMs: AS_OF });
    expect(result).toMatchObject({ status: 'refused', reason: 'missing_feature', missing: [{ feature: 'complaints_count_90d', kind: 'missing' }] });
  });

  it('refuses bytes that are not an ONNX model and names that the graph lacks', async () => {
    await expect(OnnxRunner.fromBytes(new Uint8Array([1, 2, 3, 4]), { inputName: 'features', outputName: 'probability', inputWidth: 3, outputCount: 1 })).rejects.toBeInstanceOf(KairosError);
    await expect(OnnxRunner.fromBytes(logisticRegressionOnnx(), { inputName: 'x', outputName: 'probability', inputWidth: 3, outputCount: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ rule: 'onnx_names' })],
    });
    await expect(OnnxRunner.fromBytes(logisticRegressionOnnx(), { inputName: 'features', outputName: 'probability', inputWidth: 4, outputCount: 1 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ rule: 'onnx_shape' })],
    });
  });
});

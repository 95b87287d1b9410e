import { parseModelCard } from '../card/model-card';
import type { DatasetRow } from '../datasets/point-in-time-dataset';
import { MicroBatcher } from '../runtime/micro-batcher';
import type { ScoreRequest, ScoreResult } from '../runtime/score-result';
import { prepareTensorflow } from '../tfjs/tensorflow-backend';
import { seededRandom } from '@kairos/random';
import { ClassifierSpec, trainClassifier } from './train-classifier';

const DAY_MS = 86_400_000;
const AS_OF = Date.UTC(2026, 5, 1);

/** Leaving customers complain and stop logging in; a second label (dormancy) depends on logins only. */
function rows(count: number, seed: number): DatasetRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const leaving = random() < 0.3;
    const logins = Math.floor(random() * (leaving ? 4 : 20));
    const complaints = Math.floor(random() * (leaving ? 4 : 1.3));
    const lastLogin = logins === 0 ? null : AS_OF - Math.floor(random() * 10) * DAY_MS;
    return {
      customerId: `c-${seed}-${i}`,
      cutoffMs: AS_OF + 1,
      asOfMs: AS_OF,
      features: { logins_count_30d: logins, complaints_count_90d: complaints, last_login_at: lastLogin },
      segments: { ageBand: i % 2 === 0 ? '25_34' : '65_plus' },
      labels: { leaves: leaving, dormant: i % 5 === 0 ? null : logins < 3 },
    };
  });
}

const spec: ClassifierSpec = {
  card: { modelId: 'tiny', version: '0.0.1', family: 'other', title: 'Tiny test model', purposes: ['ai_personalization'], intendedUse: 'unit tests' },
  inputs: [
    { name: 'logins_count_30d', type: 'number', transform: 'log1p', missing: { strategy: 'impute', value: 0 } },
    { name: 'complaints_count_90d', type: 'number', missing: { strategy: 'impute', value: 0 } },
    { name: 'last_login_at', type: 'timestamp', transform: 'log1p', missing: { strategy: 'impute', value: 365 } },
  ],
  outputs: [
    { name: 'leaves', description: 'leaves', label: 'leaves' },
    { name: 'dormant', description: 'dormant', label: 'dormant' },
  ],
  network: { hiddenUnits: [8], epochs: 8, batchSize: 64, learningRate: 0.02, l2: 0, seed: 7 },
  command: 'jest',
};

describe('training a classifier and scoring with it (tiny synthetic data)', () => {
  let trained: Awaited<ReturnType<typeof trainClassifier>>;

  beforeAll(async () => {
    const backend = await prepareTensorflow('cpu');
    trained = await trainClassifier(
      spec,
      { train: rows(1200, 1), validation: rows(400, 2), holdout: rows(400, 3), source: 'synthetic', holdoutDescription: 'synthetic holdout', cutoffs: [], labelDescriptions: {}, registryFingerprint: 'x' },
      backend,
    );
  });

  afterAll(() => trained.model.dispose());

  it('writes a complete, valid card with holdout metrics, calibration and drift references', () => {
    const card = parseModelCard(JSON.parse(JSON.stringify(trained.card)));
    expect(card.signature.inputs.map((input) => input.name)).toEqual(['logins_count_30d', 'complaints_count_90d', 'last_login_at']);
    expect(card.signature.inputs[0].scale).toBeGreaterThan(0);
    expect(card.metrics!.holdout['leaves'].auc).toBeGreaterThan(0.8);
    expect(card.metrics!.holdout['dormant'].n).toBe(320);
    expect(Object.keys(card.metrics!.bySegment['leaves']['ageBand'])).toEqual(['25_34', '65_plus']);
    expect(card.calibration['leaves'].kind).toBe('platt');
    expect(card.monitoring!.features['logins_count_30d'].proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(card.training!.parameters).toBe(3 * 8 + 8 + 8 * 2 + 2);
  });

  it('is reproducible: the same seed trains the same weights', async () => {
    const again = await trainClassifier(
      spec,
      { train: rows(1200, 1), validation: rows(400, 2), holdout: rows(400, 3), source: 'synthetic', holdoutDescription: 'synthetic holdout', cutoffs: [], labelDescriptions: {}, registryFingerprint: 'x' },
      'cpu',
    );
    const a = trained.model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = again.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
    again.model.dispose();
  });

  it('scores synchronously with complete explanations and bilingual reason codes', async () => {
    const request: ScoreRequest = { customerId: 'c-x', features: { logins_count_30d: 0, complaints_count_90d: 3, last_login_at: null }, asOfMs: AS_OF };
    const result = trained.scorer.scoreSync(request);
    expect(result.status).toBe('scored');
    if (result.status !== 'scored') return;
    expect(result.imputed).toEqual([{ feature: 'last_login_at', kind: 'missing' }]);
    const leaves = result.scores.find((s) => s.name === 'leaves')!;
    expect(leaves.score).toBeGreaterThan(0.5);
    for (const output of result.explanation!.outputs) {
      const total = output.attributions.reduce((sum, a) => sum + a.contribution, 0);
      expect(Math.abs(total - (output.score - output.baselineScore))).toBeLessThan(1e-6);
    }
    const top = result.explanation!.reasons.find((r) => r.output === 'leaves')!;
    expect(top.direction).toBe('raises');
    expect(top.text.en.length).toBeGreaterThan(5);
    expect(top.text.de.length).toBeGreaterThan(5);
    // The asynchronous batch path gives the same figures.
    const [batched] = await trained.scorer.scoreBatch([request]);
    expect(batched).toEqual(result);
  });

  it('micro-batches concurrent decisions into one model call', async () => {
    const batcher = new MicroBatcher<ScoreRequest, ScoreResult>((batch) => trained.scorer.scoreBatch(batch, { explain: false }));
    const requests = [0, 5, 15].map((logins) => ({ features: { logins_count_30d: logins, complaints_count_90d: 0, last_login_at: AS_OF - DAY_MS }, asOfMs: AS_OF }));
    const results = await Promise.all(requests.map((r) => batcher.submit(r)));
    expect(batcher.batches).toBe(1);
    const dormant = results.map((r) => (r.status === 'scored' ? r.scores[1].score : NaN));
    expect(dormant[0]).toBeGreaterThan(dormant[2]);
  });
});

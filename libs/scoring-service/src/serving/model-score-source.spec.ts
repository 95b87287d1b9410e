/**
 * @jest-environment ./libs/scoring/src/onnx/testing/host-typed-arrays.environment.js
 */
import { compileActionCatalog, decide, decisionAuditDraft, replayDecision, type DecisionInputs, type FeatureSource } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import type { ModelRegistryRepository, StoredModelVersion } from '@kairos/persistence';
import { defaultFeatureRegistry } from '@kairos/profile';
import { logisticRegressionOnnx } from '@kairos/scoring';
import { LiveModelSet } from './live-models';
import { ModelScoreSource, PreparedScores } from './model-score-source';

/** logit = 0.6·logins − 0.4·complaints − 1, p = sigmoid(logit): a propensity model exported to ONNX (written here). */
const WEIGHTS = [0.6, -0.4];
const BIAS = -1;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const byHand = (logins: number, complaints: number) => sigmoid(WEIGHTS[0] * logins + WEIGHTS[1] * complaints + BIAS);

function onnxVersion(stage: string): StoredModelVersion {
  const graph = logisticRegressionOnnx(WEIGHTS, BIAS);
  const card = {
    schemaVersion: 1,
    modelId: 'propensity',
    version: '2.0.0',
    family: 'other',
    title: 'Credit card propensity, logistic regression exported to ONNX',
    format: 'onnx',
    onnx: { inputName: 'features', outputName: 'probability' },
    purposes: ['ai_personalization'],
    intendedUse: 'test',
    signature: {
      inputs: [
        { name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
        { name: 'complaints_count_90d', type: 'number', missing: { strategy: 'impute', value: 0 } },
      ],
      outputs: [{ name: 'credit_card', description: 'probability of opening a credit card' }],
    },
    explanation: { method: 'sampled_shapley', baseline: { logins_count_30d: 0, complaints_count_90d: 0 }, steps: 16 },
  };
  return {
    modelId: 'propensity',
    version: '2.0.0',
    family: 'other',
    format: 'onnx',
    title: card.title,
    purposes: 'ai_personalization',
    card: JSON.stringify(card),
    artifact: Buffer.from(graph),
    weights: null,
    artifactSha256: 'sha256:onnx-test',
    artifactBytes: graph.byteLength,
    holdoutMetrics: '{}',
    stage,
    canaryBasisPoints: null,
    uploadedBy: 'test',
    uploadedAtMs: 0,
    stageChangedAtMs: 0,
    revision: 1,
  };
}

/** The registry as LiveModelSet reads it (generation and live rows): the rows are the subject here, not SQL. */
function registryOf(rows: StoredModelVersion[]): ModelRegistryRepository {
  return { generation: async () => 1, withArtifacts: async () => rows } as unknown as ModelRegistryRepository;
}

const registry = defaultFeatureRegistry();
/** Two offers of equal value: the card offer's propensity is the ONNX model's score, the loan's a fixed 0.5. */
const catalog = compileActionCatalog(
  {
    version: 'onnx-spec',
    channels: { app: { direction: 'inbound', consentChannel: 'app' } },
    contactPolicy: { caps: [] },
    responsibleLending: { overLimit: 'false', inArrears: 'false' },
    actions: [
      { id: 'card-offer', kind: 'offer', description: 'card', channels: ['app'], purposes: ['service'], value: 10, propensity: { model: 'propensity-credit-card', default: 0.1 }, content: { ref: 'card' } },
      { id: 'loan-offer', kind: 'offer', description: 'loan', channels: ['app'], purposes: ['service'], value: 10, propensity: { default: 0.5 }, content: { ref: 'loan' } },
    ],
  },
  { isFeature: (name) => registry.has(name) },
);

const NOW = Date.UTC(2026, 10, 23, 9);
const featuresOf = (logins: number, complaints: number): FeatureSource => (name) => (name === 'logins_count_30d' ? logins : name === 'complaints_count_90d' ? complaints : undefined);
const allowAll = () => true;

function inputs(features: FeatureSource, scores: DecisionInputs['scores']): DecisionInputs {
  return {
    features,
    stateOffset: 7,
    timeZone: 'Europe/Berlin',
    consent: { may: () => true, objectsTo: () => false, snapshot: () => ({ asOfOffset: 7, grants: [], objections: [] }) },
    scores,
    content: () => '1',
  };
}

describe('ONNX models in decisions', () => {
  let live: LiveModelSet;
  let source: ModelScoreSource;

  beforeAll(async () => {
    live = new LiveModelSet(registryOf([onnxVersion('production')]), createLogger({ level: 'silent' }));
    await live.refresh(true);
    source = new ModelScoreSource(live);
  });

  afterAll(() => live.stop());

  it('scores the ONNX production version ahead of the decision, with complete model-agnostic attributions', async () => {
    const features = featuresOf(4, 1);
    // Without preparing, the synchronous path cannot run the ONNX session: the model is simply not scored.
    expect(source.scoresFor('c-1', features, NOW, allowAll)).toEqual({});
    const prepared = await source.prepare('c-1', features, NOW, allowAll);
    expect(prepared).toBeInstanceOf(PreparedScores);
    const scores = source.scoresFor('c-1', features, NOW, allowAll, undefined, prepared);
    expect(Object.keys(scores).sort()).toEqual(['propensity', 'propensity-credit-card']);
    const score = scores['propensity-credit-card'];
    expect(score).toMatchObject({ version: '2.0.0', stage: 'production' });
    expect(score.score).toBeCloseTo(byHand(4, 1), 6);
    // Two inputs: Shapley values are exact (all orderings), f(x) − f(baseline) split between the features.
    const logins = 0.5 * (byHand(4, 0) - byHand(0, 0)) + 0.5 * (byHand(4, 1) - byHand(0, 1));
    const complaints = 0.5 * (byHand(0, 1) - byHand(0, 0)) + 0.5 * (byHand(4, 1) - byHand(4, 0));
    expect(score.attributions?.map((a) => a.feature)).toEqual(['logins_count_30d', 'complaints_count_90d']);
    expect(score.attributions?.[0].contribution).toBeCloseTo(logins, 5);
    expect(score.attributions?.[1].contribution).toBeCloseTo(complaints, 5);
    expect(score.attributions!.reduce((sum, a) => sum + a.contribution, 0)).toBeCloseTo(byHand(4, 1) - byHand(0, 0), 5);
  });

  it('a decision ranks by the ONNX score, audits its version and attributions, and replays exactly (A5)', async () => {
    const decideFor = async (customerId: string, features: FeatureSource) => {
      const prepared = await source.prepare(customerId, features, NOW, allowAll);
      return decide(catalog, { decisionId: `d-${customerId}`, customerId, channels: ['app'], nowMs: NOW }, inputs(features, source.scoresFor(customerId, features, NOW, allowAll, undefined, prepared)));
    };
    const keen = await decideFor('keen', featuresOf(6, 0));
    const reluctant = await decideFor('reluctant', featuresOf(0, 3));
    expect(keen.actions.map((a) => a.actionId)).toEqual(['card-offer', 'loan-offer']);
    expect(reluctant.actions.map((a) => a.actionId)).toEqual(['loan-offer', 'card-offer']);
    const draft = decisionAuditDraft(keen, { type: 'component', component: 'test', version: '1' });
    const audited = JSON.parse(JSON.stringify(draft)) as { logic: { models: { modelId: string; version: string; score: number; attributions: { feature: string }[] }[] }; inputs: { feature: string }[] };
    const model = audited.logic.models.find((m) => m.modelId === 'propensity-credit-card')!;
    expect(model.version).toBe('2.0.0');
    expect(model.score).toBeCloseTo(byHand(6, 0), 6);
    expect(model.attributions.map((a) => a.feature)).toEqual(['logins_count_30d', 'complaints_count_90d']);
    expect(audited.inputs.map((i) => i.feature)).toContain('score:propensity-credit-card');
    const replayed = replayDecision(catalog, JSON.parse(JSON.stringify(keen.replay)), JSON.parse(JSON.stringify(keen.models)));
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(keen)));
  });

  it('checks consent again at decision time, and leaves versions that are no longer serving unscored', async () => {
    const features = featuresOf(2, 0);
    const prepared = await source.prepare('c-2', features, NOW, allowAll);
    // The customer objected to profiling between the ONNX call and the decision: the prepared score is not used.
    expect(source.scoresFor('c-2', features, NOW, (purpose) => purpose !== 'ai_personalization', undefined, prepared)).toEqual({});
    expect(source.prepare('c-2', features, NOW, (purpose) => purpose !== 'ai_personalization')).toBeNull();
    const retired = new LiveModelSet(registryOf([onnxVersion('production')]), createLogger({ level: 'silent' }));
    await retired.refresh(true);
    // Results prepared for another set's version (a registry refresh in between) are not taken for this one.
    expect(new ModelScoreSource(retired).scoresFor('c-2', features, NOW, allowAll, undefined, prepared)).toEqual({});
    retired.stop();
  });

  it('scores an ONNX version once per profile revision: later decisions at that revision reuse the cached scores', async () => {
    const cachedSource = new ModelScoreSource(live);
    const scoring = jest.spyOn([...live.all()][0]!.production!.scorer, 'score');
    const decideAt = async (customerId: string, features: FeatureSource, revision: string, revisionAtDecision = revision) => {
      const prepared = await cachedSource.prepare(customerId, features, NOW, allowAll, undefined, () => revision);
      return cachedSource.scoresFor(customerId, features, NOW, allowAll, undefined, prepared, revisionAtDecision)['propensity-credit-card']?.score;
    };
    try {
      expect(await decideAt('c-3', featuresOf(4, 1), '7@70')).toBeCloseTo(byHand(4, 1), 6);
      // Same revision: the ONNX session is not called again, and the decision gets the same score.
      expect(await decideAt('c-3', featuresOf(4, 1), '7@70')).toBeCloseTo(byHand(4, 1), 6);
      expect(scoring).toHaveBeenCalledTimes(1);
      // A new event (revision 8@75) makes the customer's scores stale: scored again, on the new features.
      expect(await decideAt('c-3', featuresOf(5, 1), '8@75')).toBeCloseTo(byHand(5, 1), 6);
      expect(scoring).toHaveBeenCalledTimes(2);
      // An event arrived between prepare and the decision: the score is used once, but not kept for the newer revision.
      expect(await decideAt('c-4', featuresOf(1, 0), '1@10', '2@11')).toBeCloseTo(byHand(1, 0), 6);
      expect(await decideAt('c-4', featuresOf(1, 0), '2@11')).toBeCloseTo(byHand(1, 0), 6);
      expect(scoring).toHaveBeenCalledTimes(4);
      // An objection empties the customer's cache: consent is asked before the cache, every time.
      expect(cachedSource.scoresFor('c-3', featuresOf(5, 1), NOW, (purpose) => purpose !== 'ai_personalization', undefined, null, '8@75')).toEqual({});
      expect(await decideAt('c-3', featuresOf(5, 1), '8@75')).toBeCloseTo(byHand(5, 1), 6);
      expect(scoring).toHaveBeenCalledTimes(5);
    } finally {
      scoring.mockRestore();
    }
  });
});

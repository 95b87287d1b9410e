/**
 * @jest-environment ./libs/scoring/src/onnx/testing/host-typed-arrays.environment.js
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { logisticRegressionOnnx } from '@kairos/scoring';
import type { ScoringServices } from '@kairos/scoring-service';
import { loginEvent, requestJson } from '@kairos/testing';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';
import { openScoring } from './scoring-parts';
import { ScoringWiringModule } from './scoring-wiring.module';

/** The scoring service over a real socket: registry uploads, four-eyes promotion reaching /v1/score, ONNX, G2. */
const churnCard = JSON.parse(readFileSync('models/churn/model-card.json', 'utf8')) as Record<string, unknown>;
const churnArtifact = {
  format: 'tfjs-layers',
  modelJson: readFileSync('models/churn/artifact/model.json').toString('base64'),
  weights: readFileSync('models/churn/artifact/weights.bin').toString('base64'),
};
const holdout = {
  description: 'twelve hand-made customers',
  rows: Array.from({ length: 12 }, (_, i) => ({
    features: { logins_count_30d: i % 4, complaints_count_90d: i % 3, account_leaving_page_views_count_30d: i % 2 },
    asOfMs: Date.UTC(2026, 0, 1),
    labels: { churned_within_30d: i % 2 === 0, churned_within_90d: i % 3 === 0 },
  })),
};

/** A logistic regression over the two signature inputs, as an ONNX graph built here (no Python export). */
const responseModelOnnx = (): string => Buffer.from(logisticRegressionOnnx([0.3, -0.8], -0.2)).toString('base64');

const onnxCard = (overrides: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  modelId: 'response-lr',
  version: '1.0.0',
  family: 'other',
  title: 'Logistic regression exported to ONNX',
  format: 'onnx',
  onnx: { inputName: 'features', outputName: 'probability' },
  purposes: ['ai_personalization'],
  intendedUse: 'e2e test',
  signature: {
    inputs: [
      { name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
      { name: 'complaints_count_90d', type: 'number', missing: { strategy: 'impute', value: 0 } },
    ],
    outputs: [{ name: 'response', description: 'probability of a response', label: 'churned_within_30d' }],
  },
  explanation: { method: 'sampled_shapley', baseline: { logins_count_30d: 0, complaints_count_90d: 0 }, steps: 16 },
  ...overrides,
});

const consentBody = { purpose: 'ai_personalization', status: 'given', method: 'app', capturedAt: new Date(Date.now() - 60_000).toISOString(), noticeId: 'privacy-notice', noticeVersion: '2.1', evidenceRef: 'ev-1' };

describe('scoring service over HTTP', () => {
  let dataDir: string;
  let runtime: KairosRuntime;
  let app: NestFastifyApplication;
  let scoring: ScoringServices;
  let baseUrl: string;
  const call = (method: string, path: string, apiKey: string, body?: unknown) => requestJson(baseUrl, method, path, { apiKey, body });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-scoring-'));
    runtime = await KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent', KAIROS_BODY_LIMIT_BYTES: String(4 * 1024 * 1024) }), createLogger({ level: 'silent' }));
    await runtime.startWorker();
    scoring = await openScoring(runtime, { holdoutCustomers: 150 });
    app = await createHttpApp(runtime, [...PLATFORM_FEATURES, ScoringWiringModule]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    scoring?.stop();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the shipped models as production at first start', async () => {
    const { status, body } = await call('GET', '/v1/models', 'demo-data-scientist');
    expect(status).toBe(200);
    expect(body.versions.map((v: { modelId: string; stage: string }) => `${v.modelId}:${v.stage}`).sort()).toEqual(['activity:production', 'churn:production', 'propensity:production']);
    expect(body.versions.find((v: { modelId: string }) => v.modelId === 'churn')).toMatchObject({ artifactSha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), holdoutMetrics: { source: 'card' } });
  });

  it('refuses bad uploads with 4xx naming field and rule, and stores none of them', async () => {
    const inputs = (churnCard.signature as { inputs: object[] }).inputs;
    const unknownFeature = { ...churnCard, version: '9.0.0', signature: { ...(churnCard.signature as object), inputs: [...inputs, { name: 'shoe_size', type: 'number', missing: { strategy: 'impute', value: 0 } }] } };
    const cases: [unknown, number, string, string][] = [
      [{ card: unknownFeature, artifact: churnArtifact, holdout }, 400, `card.signature.inputs[${inputs.length}].name`, 'unknown_feature'],
      [{ card: { ...churnCard, version: '9.0.1', purposes: ['risk'] }, artifact: churnArtifact, holdout }, 422, 'card.signature.inputs[0].name', 'purpose_not_allowed'],
      [{ card: { ...churnCard, version: 'one' }, artifact: churnArtifact, holdout }, 400, 'card.version', 'invalid_format'],
      [{ card: { ...churnCard, version: '9.0.2' }, artifact: { ...churnArtifact, weights: 'AAAA' }, holdout }, 400, 'weights', 'weights_size'],
      [{ card: { ...churnCard, version: '9.0.3' }, artifact: { ...churnArtifact, modelJson: '!!!!!' }, holdout }, 400, 'artifact.modelJson', 'invalid_format'],
      [{ card: { ...churnCard, version: '9.0.4' }, artifact: { format: 'onnx', onnx: responseModelOnnx() }, holdout }, 400, 'artifact.format', 'format_mismatch'],
      [{ card: churnCard, artifact: churnArtifact, holdout, stage: 'production' }, 400, '(root)', 'unrecognized_keys'],
    ];
    for (const [body, status, path, rule] of cases) {
      const response = await call('POST', '/v1/models', 'demo-data-scientist', body);
      expect({ status: response.status, issue: response.body.issues?.find((issue: { path: string }) => issue.path === path) }).toEqual({ status, issue: expect.objectContaining({ path, rule }) });
    }
    expect((await call('POST', '/v1/models', 'demo-channel', { card: churnCard, artifact: churnArtifact })).status).toBe(403);
    expect((await call('GET', '/v1/models', 'demo-data-scientist')).body.versions).toHaveLength(3);
  }, 30_000);

  it('Z3: a TF.js upload is shadow; its uploader cannot promote it; another principal can, and /v1/score serves it at once; rollback is one call', async () => {
    const upload = await call('POST', '/v1/models', 'demo-data-scientist', { card: { ...churnCard, version: '1.1.0' }, artifact: churnArtifact, holdout });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ modelId: 'churn', version: '1.1.0', stage: 'shadow', uploadedBy: 'demo:data-scientist', holdoutMetrics: { source: 'upload', outputs: { churn_30d: { n: 12, auc: expect.any(Number), brier: expect.any(Number), ece: expect.any(Number) } } } });

    await call('PUT', '/v1/customers/sc-1/consents', 'demo-dpo', consentBody);
    await call('POST', '/v1/events', 'demo-channel', [loginEvent('sc-1')]);
    const before = await call('POST', '/v1/score', 'demo-data-scientist', { customerId: 'sc-1', models: ['churn'] });
    expect(before.body.models).toEqual([expect.objectContaining({ modelId: 'churn', version: '1.0.0', stage: 'production' })]);

    const own = await call('POST', '/v1/models/churn/versions/1.1.0/stage', 'demo-data-scientist', { stage: 'production', reason: 'better' });
    expect([own.status, own.body.issues?.[0]?.rule]).toEqual([403, 'four_eyes']);
    const promoted = await call('POST', '/v1/models/churn/versions/1.1.0/stage', 'demo-admin', { stage: 'production', reason: 'reviewed holdout metrics' });
    expect(promoted.body).toMatchObject({ stage: 'production', revision: 2 });

    const after = await call('POST', '/v1/score', 'demo-data-scientist', { customerId: 'sc-1', models: ['churn'] });
    expect(after.status).toBe(200);
    expect(after.body.models[0]).toMatchObject({ modelId: 'churn', version: '1.1.0', stage: 'production', scores: [{ output: 'churn_30d', key: 'churn-30d' }, { output: 'churn_90d', key: 'churn-90d' }] });
    expect(after.body.models[0].attributions.churn_30d.length).toBeGreaterThan(0);
    const decision = scoring.scoreSource.scoresFor('sc-1', () => null, Date.now(), () => true);
    expect(decision['churn']).toMatchObject({ version: '1.1.0', stage: 'production' });

    const model = await call('GET', '/v1/models/churn', 'demo-rule-modeler');
    expect(model.body.versions.map((v: { version: string; stage: string }) => `${v.version}:${v.stage}`)).toEqual(['1.0.0:retired', '1.1.0:production']);
    expect(model.body.history.slice(-2)).toEqual([expect.objectContaining({ version: '1.0.0', fromStage: 'production', toStage: 'retired', actorId: 'demo:admin' }), expect.objectContaining({ version: '1.1.0', toStage: 'production', actorId: 'demo:admin' })]);
    const audit = await call('GET', '/v1/audit?kind=model_promoted', 'demo-dpo');
    expect(audit.body.records).toEqual([expect.objectContaining({ kind: 'model_promoted', actor: { type: 'principal', principalId: 'demo:admin', role: 'admin' } })]);

    const rolledBack = await call('POST', '/v1/models/churn/rollback', 'demo-data-scientist', { reason: 'drift alert' });
    expect(rolledBack.body).toMatchObject({ version: '1.0.0', stage: 'production' });
    expect(scoring.scoreSource.scoresFor('sc-1', () => null, Date.now(), () => true)['churn']).toMatchObject({ version: '1.0.0' });
  }, 30_000);

  it('loads, scores and explains an ONNX logistic regression built in the test', async () => {
    const upload = await call('POST', '/v1/models', 'demo-data-scientist', { card: onnxCard(), artifact: { format: 'onnx', onnx: responseModelOnnx() }, holdout });
    expect(upload.status).toBe(201);
    expect(upload.body.holdoutMetrics.outputs.response).toMatchObject({ n: 12 });
    await call('POST', '/v1/models/response-lr/versions/1.0.0/stage', 'demo-admin', { stage: 'production', reason: 'ok' });
    await call('PUT', '/v1/customers/sc-2/consents', 'demo-dpo', consentBody);
    const scored = await call('POST', '/v1/score', 'demo-channel', { customerId: 'sc-2', models: ['response-lr'] }).then(() => call('POST', '/v1/score', 'demo-admin', { customerId: 'sc-2', models: ['response-lr'] }));
    expect(scored.status).toBe(200);
    expect(scored.body.models[0]).toMatchObject({ modelId: 'response-lr', version: '1.0.0', scores: [{ output: 'response', score: expect.any(Number) }] });
    expect(Object.keys(scored.body.models[0].attributions.response).length).toBe(2);
  }, 30_000);

  it('G2: after an objection to profiling no score is computed and the refusal says why', async () => {
    await call('PUT', '/v1/customers/sc-3/consents', 'demo-dpo', consentBody);
    expect((await call('POST', '/v1/score', 'demo-data-scientist', { customerId: 'sc-3' })).status).toBe(200);
    const auditedBefore = (await call('GET', '/v1/audit?kind=score_computed&customerId=sc-3', 'demo-dpo')).body.records.length;
    await call('POST', '/v1/customers/sc-3/objections', 'demo-dpo', { scope: 'profiling' });
    const refused = await call('POST', '/v1/score', 'demo-data-scientist', { customerId: 'sc-3' });
    expect(refused.status).toBe(403);
    expect(refused.body.issues).toContainEqual(expect.objectContaining({ path: 'models.churn', rule: 'objected', message: 'objected:profiling' }));
    expect((await call('GET', '/v1/audit?kind=score_computed&customerId=sc-3', 'demo-dpo')).body.records).toHaveLength(auditedBefore);
    const served = [...scoring.live.versionStats().values()].reduce((sum, stats) => sum + stats.served.decision, 0);
    expect(scoring.scoreSource.scoresFor('sc-3', () => null, Date.now(), (purpose) => purpose !== 'ai_personalization')).toEqual({});
    expect([...scoring.live.versionStats().values()].reduce((sum, stats) => sum + stats.served.decision, 0)).toBe(served);
  }, 30_000);

  it('batch-scores the owned partitions and monitors drift without personal data', async () => {
    const batch = await call('POST', '/v1/models/churn/batch-score', 'demo-data-scientist', {});
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ modelId: 'churn', version: '1.0.0', notAllowed: expect.any(Number), outputs: { churn_30d: { histogram: expect.any(Array) } } });
    expect(JSON.stringify(batch.body)).not.toContain('sc-1');
    const monitoring = await call('GET', '/v1/models/churn/monitoring?threshold=0.3', 'demo-data-scientist');
    expect(monitoring.status).toBe(200);
    expect(monitoring.body.versions[0]).toMatchObject({ version: '1.0.0', stage: 'production', drift: { features: expect.any(Object), scores: expect.any(Object) }, alerts: expect.any(Array) });
    const metrics = await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer demo-admin' } }).then((r) => r.text());
    expect(metrics).toContain('kairos_model_live_versions{model="churn",version="1.0.0",stage="production"} 1');
  }, 30_000);
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AbilityFactory, DEMO_API_KEYS, loadPolicyFile } from '@kairos/access';
import { requestJson } from '@kairos/testing';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * Reliability test Z3 for model promotion (four eyes) on the real platform: a version only serves decisions
 * (canary, production) when someone other than its uploader put it there, and a served artifact is always the one
 * that was approved. 200 seeded attempts each of: the uploader promotes their own version (directly, via canary,
 * via rollback); a principal without the deploy permission promotes; the uploader re-uploads an approved version
 * with other bytes. Extends scoring-models.e2e-spec (one happy path) and model-stages.spec (the rule alone).
 */
const ATTEMPTS = Number(process.env['KAIROS_Z3_ATTEMPTS'] ?? 200);
const SEED = 3_003;
const UPLOADER = 'demo-data-scientist';
const APPROVER = 'demo-admin';

const churnCard = JSON.parse(readFileSync('models/churn/model-card.json', 'utf8')) as Record<string, unknown>;
const modelJson = readFileSync('models/churn/artifact/model.json');
const weights = readFileSync('models/churn/artifact/weights.bin');
const holdout = {
  description: 'eight hand-made customers',
  rows: Array.from({ length: 8 }, (_, i) => ({
    features: { logins_count_30d: i % 4, complaints_count_90d: i % 3 },
    asOfMs: Date.UTC(2026, 0, 1),
    labels: { churned_within_30d: i % 2 === 0, churned_within_90d: i % 3 === 0 },
  })),
};

/** The shipped churn network with one weight byte changed: a different artifact of the same shape. */
function upload(version: string, flip?: { at: number; xor: number }): Record<string, unknown> {
  const bytes = Buffer.from(weights);
  if (flip) bytes[flip.at % bytes.length] ^= flip.xor;
  return { card: { ...churnCard, version }, artifact: { format: 'tfjs-layers', modelJson: modelJson.toString('base64'), weights: bytes.toString('base64') }, holdout };
}

interface VersionRow {
  readonly version: string;
  readonly stage: string;
  readonly artifactSha256: string;
  readonly uploadedBy: string;
}

describe('Z3: model promotion needs four eyes', () => {
  const platform = useInProcessPlatform('z3-models');
  const call = (method: string, path: string, apiKey: string, body?: unknown) => requestJson(platform.baseUrl(), method, path, { apiKey, body });
  const versions = async (): Promise<VersionRow[]> => (await call('GET', '/v1/models/churn', APPROVER)).body.versions as VersionRow[];
  const stages = async () => (await versions()).map((row) => `${row.version}:${row.stage}:${row.artifactSha256}`).sort();

  beforeAll(async () => {
    // 1.1.0 shadow, 1.2.0 canary (approved), 1.3.0 production (approved), all uploaded by the data scientist.
    for (const version of ['1.1.0', '1.2.0', '1.3.0']) expect((await call('POST', '/v1/models', UPLOADER, upload(version))).status).toBe(201);
    expect((await call('POST', '/v1/models/churn/versions/1.2.0/stage', APPROVER, { stage: 'canary', sharePercent: 10, reason: 'reviewed' })).status).toBe(200);
    expect((await call('POST', '/v1/models/churn/versions/1.3.0/stage', APPROVER, { stage: 'production', reason: 'reviewed' })).status).toBe(200);
  }, 120_000);

  it(`refuses ${ATTEMPTS} attempts of the uploader to put their own version into service (directly or from canary)`, async () => {
    const before = await stages();
    const attempt = fc.oneof(
      fc.record({ version: fc.constantFrom('1.1.0', '1.2.0'), stage: fc.constant('production'), reason: fc.string({ minLength: 1, maxLength: 40 }).filter((r) => r.trim().length > 0) }),
      fc.record({ version: fc.constant('1.1.0'), stage: fc.constant('canary'), sharePercent: fc.double({ min: 0.01, max: 99.99, noNaN: true }), reason: fc.constant('my own canary') }),
    );
    let held = 0;
    for (const [index, body] of fc.sample(attempt, { seed: SEED, numRuns: ATTEMPTS }).entries()) {
      const { version, ...request } = body;
      const response = await call('POST', `/v1/models/churn/versions/${version}/stage`, UPLOADER, request);
      if (response.status === 403 && response.body.issues?.[0]?.rule === 'four_eyes') held++;
      else throw new Error(`attempt ${index}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    expect(await stages()).toEqual(before);
    process.stdout.write(`Z3 (models, uploader promotes own version): ${ATTEMPTS} tried, ${held} held\n`);
  }, 300_000);

  it(`refuses ${ATTEMPTS} promotions by principals without the deploy permission`, async () => {
    const abilities = new AbilityFactory(loadPolicyFile());
    const lacking = DEMO_API_KEYS.filter((key) => !abilities.abilityFor({ id: key.principalId, role: key.role, kind: 'api-key', ...(key.channel ? { channel: key.channel } : {}) }).can('deploy', 'Model'));
    expect(lacking.map((key) => key.role)).toEqual(expect.arrayContaining(['channel', 'rule-modeler', 'content-author', 'content-reviewer', 'dpo']));
    const before = await stages();
    const attempt = fc.record({
      key: fc.constantFrom(...lacking.map((key) => key.key)),
      version: fc.constantFrom('1.1.0', '1.2.0', '1.3.0'),
      stage: fc.constantFrom('canary', 'production', 'shadow', 'retired'),
      rollback: fc.boolean(),
    });
    let held = 0;
    for (const { key, version, stage, rollback } of fc.sample(attempt, { seed: SEED + 1, numRuns: ATTEMPTS })) {
      const response = rollback
        ? await call('POST', '/v1/models/churn/rollback', key, { reason: 'not mine to do' })
        : await call('POST', `/v1/models/churn/versions/${version}/stage`, key, { stage, reason: 'not mine to do', ...(stage === 'canary' ? { sharePercent: 50 } : {}) });
      if (response.status === 403) held++;
      else throw new Error(`${key} ${rollback ? 'rollback' : `${version}→${stage}`}: ${response.status}`);
    }
    expect(await stages()).toEqual(before);
    process.stdout.write(`Z3 (models, promotion without the permission): ${ATTEMPTS} tried, ${held} held\n`);
  }, 300_000);

  it(`refuses ${ATTEMPTS} re-uploads of an approved version; the served artifact stays the approved one`, async () => {
    const approved = (await versions()).find((row) => row.version === '1.3.0')!;
    expect(approved.stage).toBe('production');
    const before = await stages();
    const attempt = fc.record({ at: fc.nat(), xor: fc.integer({ min: 0, max: 255 }), version: fc.constantFrom('1.1.0', '1.2.0', '1.3.0') });
    let held = 0;
    for (const { at, xor, version } of fc.sample(attempt, { seed: SEED + 2, numRuns: ATTEMPTS })) {
      const response = await call('POST', '/v1/models', UPLOADER, upload(version, { at, xor }));
      if (response.status === 409 && response.body.issues?.[0]?.rule === 'version_exists') held++;
      else throw new Error(`re-upload of ${version}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    expect(await stages()).toEqual(before);
    // A changed artifact under a new version is a new upload: shadow, serving nothing until someone else promotes it.
    const fresh = await call('POST', '/v1/models', UPLOADER, upload('1.4.0', { at: 7, xor: 1 }));
    expect(fresh.body).toMatchObject({ version: '1.4.0', stage: 'shadow' });
    expect(fresh.body.artifactSha256).not.toBe(approved.artifactSha256);
    expect((await versions()).find((row) => row.stage === 'production')?.artifactSha256).toBe(approved.artifactSha256);
    process.stdout.write(`Z3 (models, re-upload of an approved version): ${ATTEMPTS} tried, ${held} held\n`);
  }, 600_000);

  it('every promotion into service in the audit trail was made by someone other than the uploader', async () => {
    // The uploader's rollback to their own version, after an approver moved production on, is refused too.
    expect((await call('POST', '/v1/models/churn/versions/1.4.0/stage', APPROVER, { stage: 'production', reason: 'reviewed' })).status).toBe(200);
    const rollback = await call('POST', '/v1/models/churn/rollback', UPLOADER, { reason: 'back to mine' });
    expect([rollback.status, rollback.body.issues?.[0]?.rule]).toEqual([403, 'four_eyes']);
    const audit = await call('GET', '/v1/audit?kind=model_promoted', 'demo-dpo');
    const records = audit.body.records as { actor: { principalId?: string }; output: { uploadedBy: string; changes: { toStage: string }[] } }[];
    const intoService = records.filter((record) => ['canary', 'production'].includes(record.output.changes[0]!.toStage));
    expect(intoService.length).toBeGreaterThanOrEqual(3);
    expect(intoService.filter((record) => record.actor.principalId === record.output.uploadedBy)).toEqual([]);
  }, 60_000);
});

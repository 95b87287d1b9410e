import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { ModelRegistryRepository, type StageChangeActor } from './model-registry.repository';
import type { ModelVersionRow } from './scoring-tables.entity';

const version = (modelId: string, v: string, overrides: Partial<ModelVersionRow> = {}): Omit<ModelVersionRow, 'revision' | 'stageChangedAtMs'> => ({
  modelId,
  version: v,
  family: 'churn',
  format: 'tfjs-layers',
  title: 'Churn',
  purposes: 'ai_personalization',
  card: '{"modelId":"churn"}',
  artifact: Buffer.from([1, 2, 3, 0, 255]),
  weights: Buffer.from([9, 8, 7]),
  artifactSha256: `sha256:${'b'.repeat(64)}`,
  artifactBytes: 8,
  holdoutMetrics: '{}',
  stage: 'shadow',
  canaryBasisPoints: null,
  uploadedBy: 'demo:data-scientist',
  uploadedAtMs: 1_000,
  ...overrides,
});
const actor = (actorId: string, atMs: number): StageChangeActor => ({ actorId, actorRole: 'data-scientist', reason: 'test', atMs });

describe.each(STORAGE_DIALECTS)('model registry on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let registry: ModelRegistryRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    registry = new ModelRegistryRepository(dataSource);
  });

  it('has no drift between the scoring migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('stores a version with its bytes intact and its upload as the first history entry', async () => {
    await registry.register(version('churn', '1.0.0'), actor('demo:data-scientist', 1_000));
    const [stored] = await registry.withArtifacts(['shadow']);
    expect(Buffer.from(stored.artifact)).toEqual(Buffer.from([1, 2, 3, 0, 255]));
    expect(Buffer.from(stored.weights!)).toEqual(Buffer.from([9, 8, 7]));
    expect(stored).toMatchObject({ revision: 1, stageChangedAtMs: 1_000, uploadedAtMs: 1_000 });
    await expect(registry.summary('churn', '1.0.0')).resolves.not.toHaveProperty('artifact');
    await expect(registry.history('churn')).resolves.toEqual([expect.objectContaining({ revision: 1, fromStage: null, toStage: 'shadow', actorId: 'demo:data-scientist' })]);
    await expect(registry.register(version('churn', '1.0.0'), actor('x', 2))).rejects.toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('moves stages in one transaction guarded by revision; a stale move changes nothing', async () => {
    await registry.register(version('activity', '1.0.0', { stage: 'production', family: 'activity' }), actor('a', 10));
    await registry.register(version('activity', '1.1.0', { family: 'activity' }), actor('a', 20));
    const before = await registry.generation();
    await registry.move(
      [
        { modelId: 'activity', version: '1.1.0', expectedRevision: 1, fromStage: 'shadow', toStage: 'production', canaryBasisPoints: null },
        { modelId: 'activity', version: '1.0.0', expectedRevision: 1, fromStage: 'production', toStage: 'retired', canaryBasisPoints: null },
      ],
      actor('b', 30),
    );
    await expect(registry.generation()).resolves.toBe(before + 2);
    const stale = registry.move(
      [
        { modelId: 'activity', version: '1.0.0', expectedRevision: 2, fromStage: 'retired', toStage: 'production', canaryBasisPoints: null },
        { modelId: 'activity', version: '1.1.0', expectedRevision: 1, fromStage: 'production', toStage: 'retired', canaryBasisPoints: null },
      ],
      actor('c', 40),
    );
    await expect(stale).rejects.toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    await expect(registry.summaries('activity').then((rows) => rows.map((row) => [row.version, row.stage, row.revision]))).resolves.toEqual([
      ['1.0.0', 'retired', 2],
      ['1.1.0', 'production', 2],
    ]);
    await expect(registry.generation()).resolves.toBe(before + 2);
    await expect(registry.history('activity').then((rows) => rows.map((row) => `${row.version}:${row.fromStage}->${row.toStage}@${row.actorId}`))).resolves.toEqual([
      '1.0.0:null->production@a',
      '1.1.0:null->shadow@a',
      '1.0.0:production->retired@b',
      '1.1.0:shadow->production@b',
    ]);
  });
});

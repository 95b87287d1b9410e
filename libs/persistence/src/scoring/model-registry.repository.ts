import { DataSource, In, QueryFailedError, Repository } from 'typeorm';
import { KairosError } from '@kairos/contracts';
import type { ModelStageChangeRow, ModelVersionRow } from './scoring-tables.entity';

/** A stored model version without its artifact bytes (listings, stage logic). */
export type ModelVersionSummary = Omit<Readonly<ModelVersionRow>, 'artifact' | 'weights'>;
export type StoredModelVersion = Readonly<ModelVersionRow>;
export type ModelStageChange = Readonly<ModelStageChangeRow>;

/** Who changed a stage, when and why: written with every change. */
export interface StageChangeActor {
  readonly actorId: string;
  readonly actorRole: string;
  readonly reason: string;
  readonly atMs: number;
}

/** One version moving to a stage, guarded by the revision the caller decided on. */
export interface StageMove {
  readonly modelId: string;
  readonly version: string;
  readonly expectedRevision: number;
  readonly fromStage: string;
  readonly toStage: string;
  readonly canaryBasisPoints: number | null;
}

const SUMMARY_COLUMNS = Object.fromEntries(
  (
    [
  'modelId',
  'version',
  'family',
  'format',
  'title',
  'purposes',
  'card',
  'artifactSha256',
  'artifactBytes',
  'holdoutMetrics',
  'stage',
  'canaryBasisPoints',
  'uploadedBy',
  'uploadedAtMs',
  'stageChangedAtMs',
  'revision',
    ] as const
  ).map((column) => [column, true]),
) as { [K in Exclude<keyof ModelVersionRow, 'artifact' | 'weights'>]: true };

const CONCURRENT = () =>
  new KairosError('CONFLICT', 'the model version changed meanwhile; reload it and try again', [{ path: 'stage', rule: 'concurrent_update', message: 'another stage change was saved first' }]);

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driver?.code === '23505' || (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * The model registry: versions (artifact, card, metrics, stage) and the append-only history of their stage changes.
 * Every stage change writes the version row and its history row in one transaction, guarded by the version's
 * revision, so a promotion is stored whole or not at all and two concurrent promotions cannot both win.
 */
export class ModelRegistryRepository {
  private readonly versions: Repository<ModelVersionRow>;
  private readonly changes: Repository<ModelStageChangeRow>;

  constructor(private readonly dataSource: DataSource) {
    this.versions = dataSource.getRepository<ModelVersionRow>('ModelVersion');
    this.changes = dataSource.getRepository<ModelStageChangeRow>('ModelStageChange');
  }

  /** Stores a new version (revision 1) with its upload as the first history entry; CONFLICT if it exists. */
  async register(row: Omit<ModelVersionRow, 'revision' | 'stageChangedAtMs'>, actor: StageChangeActor): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository<ModelVersionRow>('ModelVersion').insert({ ...row, revision: 1, stageChangedAtMs: actor.atMs });
        await manager.getRepository<ModelStageChangeRow>('ModelStageChange').insert({
          modelId: row.modelId,
          version: row.version,
          revision: 1,
          fromStage: null,
          toStage: row.stage,
          canaryBasisPoints: row.canaryBasisPoints,
          ...actor,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new KairosError('CONFLICT', `model ${row.modelId} version ${row.version} is already registered`, [
          { path: 'card.version', rule: 'version_exists', message: 'each version is registered once; bump the version' },
        ]);
      }
      throw error;
    }
  }

  /** Applies several moves at once (e.g. the new production version and the one it replaces). */
  async move(moves: readonly StageMove[], actor: StageChangeActor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const versions = manager.getRepository<ModelVersionRow>('ModelVersion');
      const changes = manager.getRepository<ModelStageChangeRow>('ModelStageChange');
      for (const move of moves) {
        const result = await versions.update(
          { modelId: move.modelId, version: move.version, revision: move.expectedRevision, stage: move.fromStage },
          { stage: move.toStage, canaryBasisPoints: move.canaryBasisPoints, stageChangedAtMs: actor.atMs, revision: move.expectedRevision + 1 },
        );
        if (result.affected !== 1) throw CONCURRENT();
        await changes.insert({
          modelId: move.modelId,
          version: move.version,
          revision: move.expectedRevision + 1,
          fromStage: move.fromStage,
          toStage: move.toStage,
          canaryBasisPoints: move.canaryBasisPoints,
          ...actor,
        });
      }
    });
  }

  async summaries(modelId?: string): Promise<ModelVersionSummary[]> {
    return this.versions.find({ select: SUMMARY_COLUMNS, where: modelId === undefined ? {} : { modelId }, order: { modelId: 'ASC', uploadedAtMs: 'ASC', version: 'ASC' } });
  }

  async summary(modelId: string, version: string): Promise<ModelVersionSummary | null> {
    return this.versions.findOne({ select: SUMMARY_COLUMNS, where: { modelId, version } });
  }

  /** Versions with their artifacts in the given stages (what scorers load). */
  async withArtifacts(stages: readonly string[]): Promise<StoredModelVersion[]> {
    return this.versions.find({ where: { stage: In([...stages]) }, order: { modelId: 'ASC', version: 'ASC' } });
  }

  async history(modelId: string): Promise<ModelStageChange[]> {
    return this.changes.find({ where: { modelId }, order: { atMs: 'ASC', version: 'ASC', revision: 'ASC' } });
  }

  /**
   * A number that grows with every registration and stage change: scorers in other processes poll it and reload
   * only when it moved (the history is append-only, so its size is such a number).
   */
  async generation(): Promise<number> {
    return this.changes.count();
  }
}

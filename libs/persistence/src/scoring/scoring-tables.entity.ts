import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/**
 * One registered model version: the artifact bytes with their digest, the card (signature, purposes, calibration)
 * as JSON, the holdout metrics the registry computed at upload, and its current stage. `revision` counts stage
 * changes so two concurrent promotions cannot both win.
 */
export interface ModelVersionRow {
  modelId: string;
  version: string;
  family: string;
  format: string;
  title: string;
  purposes: string;
  card: string;
  /** ONNX graph, or the TF.js layers model.json. */
  artifact: Buffer;
  /** TF.js weights.bin; null for ONNX. */
  weights: Buffer | null;
  artifactSha256: string;
  artifactBytes: number;
  holdoutMetrics: string;
  stage: string;
  /** Canary share in basis points (0–10,000); null outside canary. */
  canaryBasisPoints: number | null;
  uploadedBy: string;
  uploadedAtMs: number;
  stageChangedAtMs: number;
  revision: number;
}

/** The append-only history of stage changes (upload included), with actor and reason. */
export interface ModelStageChangeRow {
  modelId: string;
  version: string;
  /** The version's revision this change produced (1 = the upload). */
  revision: number;
  fromStage: string | null;
  toStage: string;
  canaryBasisPoints: number | null;
  actorId: string;
  actorRole: string;
  reason: string;
  atMs: number;
}

/** Tables of the scoring area: the model registry. */
export function scoringEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ModelVersionRow>({
      name: 'ModelVersion',
      tableName: 'scoring_model_versions',
      columns: {
        modelId: { name: 'model_id', type: 'varchar', length: 64, primary: true },
        version: { type: 'varchar', length: 32, primary: true },
        family: { type: 'varchar', length: 32 },
        format: { type: 'varchar', length: 16 },
        title: { type: 'varchar', length: 200 },
        purposes: { type: 'varchar', length: 400 },
        card: { type: types.text },
        artifact: { type: types.binary },
        weights: { type: types.binary, nullable: true },
        artifactSha256: { name: 'artifact_sha256', type: 'varchar', length: 80 },
        artifactBytes: { name: 'artifact_bytes', type: 'integer' },
        holdoutMetrics: { name: 'holdout_metrics', type: types.text },
        stage: { type: 'varchar', length: 16 },
        canaryBasisPoints: { name: 'canary_basis_points', type: 'integer', nullable: true },
        uploadedBy: { name: 'uploaded_by', type: 'varchar', length: 128 },
        uploadedAtMs: { name: 'uploaded_at_ms', ...int64 },
        stageChangedAtMs: { name: 'stage_changed_at_ms', ...int64 },
        revision: { type: 'integer' },
      },
      indices: [{ name: 'scoring_model_versions_stage', columns: ['stage'] }],
    }),
    new EntitySchema<ModelStageChangeRow>({
      name: 'ModelStageChange',
      tableName: 'scoring_model_stage_changes',
      columns: {
        modelId: { name: 'model_id', type: 'varchar', length: 64, primary: true },
        version: { type: 'varchar', length: 32, primary: true },
        revision: { type: 'integer', primary: true },
        fromStage: { name: 'from_stage', type: 'varchar', length: 16, nullable: true },
        toStage: { name: 'to_stage', type: 'varchar', length: 16 },
        canaryBasisPoints: { name: 'canary_basis_points', type: 'integer', nullable: true },
        actorId: { name: 'actor_id', type: 'varchar', length: 128 },
        actorRole: { name: 'actor_role', type: 'varchar', length: 32 },
        reason: { type: 'varchar', length: 500 },
        atMs: { name: 'at_ms', ...int64 },
      },
      indices: [{ name: 'scoring_model_stage_changes_at', columns: ['atMs'] }],
    }),
  ];
}

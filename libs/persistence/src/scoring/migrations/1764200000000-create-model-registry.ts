import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** The model registry: versions with artifact, card, holdout metrics and stage, and their stage-change history. */
export class CreateModelRegistry1764200000000 implements MigrationInterface {
  name = 'CreateModelRegistry1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { types, varchar, int64 } = migrationColumns(queryRunner);
    const integer = (name: string, extra: object = {}) => ({ name, type: 'integer', ...extra });

    await queryRunner.createTable(
      new Table({
        name: 'scoring_model_versions',
        columns: [
          varchar('model_id', 64, { isPrimary: true }),
          varchar('version', 32, { isPrimary: true }),
          varchar('family', 32),
          varchar('format', 16),
          varchar('title', 200),
          varchar('purposes', 400),
          { name: 'card', type: types.text },
          { name: 'artifact', type: types.binary },
          { name: 'weights', type: types.binary, isNullable: true },
          varchar('artifact_sha256', 80),
          integer('artifact_bytes'),
          { name: 'holdout_metrics', type: types.text },
          varchar('stage', 16),
          integer('canary_basis_points', { isNullable: true }),
          varchar('uploaded_by', 128),
          int64('uploaded_at_ms'),
          int64('stage_changed_at_ms'),
          integer('revision'),
        ],
      }),
    );
    await queryRunner.createIndex('scoring_model_versions', new TableIndex({ name: 'scoring_model_versions_stage', columnNames: ['stage'] }));

    await queryRunner.createTable(
      new Table({
        name: 'scoring_model_stage_changes',
        columns: [
          varchar('model_id', 64, { isPrimary: true }),
          varchar('version', 32, { isPrimary: true }),
          integer('revision', { isPrimary: true }),
          varchar('from_stage', 16, { isNullable: true }),
          varchar('to_stage', 16),
          integer('canary_basis_points', { isNullable: true }),
          varchar('actor_id', 128),
          varchar('actor_role', 32),
          varchar('reason', 500),
          int64('at_ms'),
        ],
      }),
    );
    await queryRunner.createIndex('scoring_model_stage_changes', new TableIndex({ name: 'scoring_model_stage_changes_at', columnNames: ['at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scoring_model_stage_changes');
    await queryRunner.dropTable('scoring_model_versions');
  }
}

import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Trigger sets authored over HTTP (one row per version) and the persisted trigger trace of recent events. */
export class CreateTriggerTables1795600000000 implements MigrationInterface {
  name = 'CreateTriggerTables1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64, types } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'trigger_set_versions',
        columns: [
          { name: 'version', type: 'integer', isPrimary: true },
          varchar('status', 16),
          { name: 'document', type: types.text },
          varchar('author_id', 128),
          ...['submitted_by', 'approved_by', 'deployed_by'].map((name) => varchar(name, 128, { isNullable: true })),
          varchar('last_editor_id', 128),
          { name: 'row_version', type: 'integer' },
          int64('created_at_ms'),
          int64('updated_at_ms'),
          int64('deployed_at_ms', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trigger_traces',
        columns: [
          int64('id', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
          varchar('event_id', 128),
          { name: 'partition', type: 'integer' },
          varchar('stage', 32),
          varchar('at', 32, { isNullable: true }),
          { name: 'detail', type: types.text },
          int64('recorded_at_ms'),
        ],
      }),
    );
    await queryRunner.createIndex('trigger_traces', new TableIndex({ name: 'idx_trigger_traces_event', columnNames: ['event_id'] }));
    await queryRunner.createIndex('trigger_traces', new TableIndex({ name: 'idx_trigger_traces_recorded', columnNames: ['recorded_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('trigger_traces');
    await queryRunner.dropTable('trigger_set_versions');
  }
}

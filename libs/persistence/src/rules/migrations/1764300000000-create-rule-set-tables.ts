import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Rule-set versions, their lifecycle journal, the head per rule set and the deployment counter processes poll. */
export class CreateRuleSetTables1764300000000 implements MigrationInterface {
  name = 'CreateRuleSetTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { types, varchar, int64 } = migrationColumns(queryRunner);
    const integer = (name: string, extra: object = {}) => ({ name, type: 'integer', ...extra });
    const text = (name: string) => ({ name, type: types.text });

    await queryRunner.createTable(
      new Table({
        name: 'rule_set_versions',
        columns: [
          varchar('rule_set_id', 100, { isPrimary: true }),
          integer('version', { isPrimary: true }),
          varchar('name', 200),
          varchar('status', 16),
          text('dmn_xml'),
          text('metadata'),
          text('test_cases'),
          varchar('author_id', 128),
          varchar('submitted_by', 128, { isNullable: true }),
          varchar('approved_by', 128, { isNullable: true }),
          varchar('deployed_by', 128, { isNullable: true }),
          int64('created_at_ms'),
          int64('updated_at_ms'),
          int64('deployed_at_ms', { isNullable: true }),
          int64('retired_at_ms', { isNullable: true }),
          integer('row_version'),
        ],
      }),
    );
    await queryRunner.createIndex('rule_set_versions', new TableIndex({ name: 'rule_set_versions_status', columnNames: ['status'] }));
    await queryRunner.createTable(
      new Table({
        name: 'rule_set_history',
        columns: [
          varchar('rule_set_id', 100, { isPrimary: true }),
          integer('sequence', { isPrimary: true }),
          integer('version'),
          varchar('transition', 24),
          varchar('actor_id', 128),
          int64('at_ms'),
          varchar('reason', 500, { isNullable: true }),
          varchar('audit_record_id', 128, { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rule_set_heads',
        columns: [varchar('rule_set_id', 100, { isPrimary: true }), integer('latest_version'), integer('deployed_version', { isNullable: true }), int64('change_seq')],
      }),
    );
    await queryRunner.createTable(new Table({ name: 'rule_set_counters', columns: [varchar('name', 32, { isPrimary: true }), int64('value')] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rule_set_counters');
    await queryRunner.dropTable('rule_set_heads');
    await queryRunner.dropTable('rule_set_history');
    await queryRunner.dropTable('rule_set_versions');
  }
}

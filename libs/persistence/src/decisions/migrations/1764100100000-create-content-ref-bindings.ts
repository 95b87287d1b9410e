import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Content ref bindings: which approved content draft serves each content reference of the action catalog. */
export class CreateContentRefBindings1764100100000 implements MigrationInterface {
  name = 'CreateContentRefBindings1764100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'content_ref_bindings',
        columns: [varchar('ref', 100, { isPrimary: true }), varchar('draft_id', 128), varchar('bound_by', 128), int64('bound_at_ms'), { name: 'version', type: 'integer' }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('content_ref_bindings');
  }
}

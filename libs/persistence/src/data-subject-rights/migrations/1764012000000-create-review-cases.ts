import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Art. 22 human-review cases (both dialects). */
export class CreateReviewCases1764012000000 implements MigrationInterface {
  name = 'CreateReviewCases1764012000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { types, varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'review_cases',
        columns: [
          varchar('id', 64, { isPrimary: true }),
          varchar('customer_id', 128),
          varchar('decision_id', 128),
          { name: 'statement', type: types.text, isNullable: true },
          varchar('status', 16),
          varchar('outcome', 32, { isNullable: true }),
          varchar('opened_by', 128),
          int64('opened_at_ms'),
          varchar('reviewer_id', 128, { isNullable: true }),
          int64('review_started_at_ms', { isNullable: true }),
          varchar('decided_by', 128, { isNullable: true }),
          int64('decided_at_ms', { isNullable: true }),
          { name: 'decision_note', type: types.text, isNullable: true },
          { name: 'version', type: 'integer' },
        ],
      }),
    );
    await queryRunner.createIndex('review_cases', new TableIndex({ name: 'review_cases_customer', columnNames: ['customer_id', 'decision_id'] }));
    await queryRunner.createIndex('review_cases', new TableIndex({ name: 'review_cases_queue', columnNames: ['status', 'opened_at_ms', 'id'] }));
    await queryRunner.createIndex('review_cases', new TableIndex({ name: 'review_cases_decided', columnNames: ['decided_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('review_cases');
  }
}

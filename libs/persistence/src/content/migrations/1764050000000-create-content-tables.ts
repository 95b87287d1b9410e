import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Content drafts (the review queue projection) and their append-only event journal. */
export class CreateContentTables1764050000000 implements MigrationInterface {
  name = 'CreateContentTables1764050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { types, varchar, int64 } = migrationColumns(queryRunner);
    const integer = (name: string, extra: object = {}) => ({ name, type: 'integer', ...extra });

    await queryRunner.createTable(
      new Table({
        name: 'content_drafts',
        columns: [
          varchar('draft_id', 64, { isPrimary: true }),
          varchar('title', 200),
          varchar('status', 24),
          varchar('language', 8),
          varchar('channels', 100),
          varchar('product', 32),
          varchar('campaign_id', 128, { isNullable: true }),
          varchar('customer_id', 128, { isNullable: true }),
          varchar('author_id', 128),
          varchar('requester_id', 128, { isNullable: true }),
          varchar('last_editor_id', 128),
          integer('head_revision'),
          varchar('head_hash', 80),
          integer('blocking_findings'),
          integer('warning_findings'),
          varchar('generator_kind', 16),
          varchar('model_id', 200),
          varchar('prompt_version', 64),
          integer('live_revision', { isNullable: true }),
          varchar('live_hash', 80, { isNullable: true }),
          int64('live_approved_at_ms', { isNullable: true }),
          int64('live_valid_until_ms', { isNullable: true }),
          int64('created_at_ms'),
          int64('updated_at_ms'),
          integer('version'),
        ],
      }),
    );
    await queryRunner.createIndex('content_drafts', new TableIndex({ name: 'content_drafts_status_updated', columnNames: ['status', 'updated_at_ms'] }));
    await queryRunner.createIndex('content_drafts', new TableIndex({ name: 'content_drafts_customer', columnNames: ['customer_id'] }));

    await queryRunner.createTable(
      new Table({
        name: 'content_draft_events',
        columns: [
          varchar('draft_id', 64, { isPrimary: true }),
          integer('sequence', { isPrimary: true }),
          varchar('type', 32),
          varchar('actor_id', 128),
          int64('at_ms'),
          { name: 'payload', type: types.text },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('content_draft_events');
    await queryRunner.dropTable('content_drafts');
  }
}

import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** The action outbox: one row per action an outbound decision emitted, with its delivery state and responses. */
export class CreateActionOutbox1764100000000 implements MigrationInterface {
  name = 'CreateActionOutbox1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { dialect, varchar, int64 } = migrationColumns(queryRunner);
    const integer = (name: string) => ({ name, type: 'integer' });
    await queryRunner.createTable(
      new Table({
        name: 'action_outbox',
        columns: [
          int64('id', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
          varchar('decision_id', 128),
          varchar('action_id', 64),
          integer('action_version'),
          varchar('channel', 24),
          varchar('customer_id', 128),
          integer('rank'),
          { name: 'priority', type: dialect === 'postgres' ? 'double precision' : 'real' },
          varchar('content_ref', 100),
          varchar('content_version', 80, { isNullable: true }),
          varchar('campaign_id', 64, { isNullable: true }),
          varchar('variant_id', 64, { isNullable: true }),
          int64('decided_at_ms'),
          int64('created_at_ms'),
          varchar('status', 16),
          integer('attempts'),
          int64('next_attempt_at_ms'),
          varchar('last_error', 200, { isNullable: true }),
          int64('published_at_ms', { isNullable: true }),
          int64('published_seq', { isNullable: true }),
          int64('delivered_at_ms', { isNullable: true }),
          int64('opened_at_ms', { isNullable: true }),
          int64('clicked_at_ms', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createIndex('action_outbox', new TableIndex({ name: 'action_outbox_message', columnNames: ['decision_id', 'action_id'], isUnique: true }));
    await queryRunner.createIndex('action_outbox', new TableIndex({ name: 'action_outbox_due', columnNames: ['status', 'next_attempt_at_ms'] }));
    await queryRunner.createIndex('action_outbox', new TableIndex({ name: 'action_outbox_feed', columnNames: ['published_seq'], isUnique: true }));
    await queryRunner.createIndex('action_outbox', new TableIndex({ name: 'action_outbox_customer', columnNames: ['customer_id', 'created_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('action_outbox');
  }
}

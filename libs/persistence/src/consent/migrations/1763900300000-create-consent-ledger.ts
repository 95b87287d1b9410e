import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** The consent ledger: consent changes and objections, each with its outbox and audit state. */
export class CreateConsentLedger1763900300000 implements MigrationInterface {
  name = 'CreateConsentLedger1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    const nullable = { isNullable: true };
    await queryRunner.createTable(
      new Table({
        name: 'consent_ledger',
        columns: [
          { ...varchar('entry_id', 128), isPrimary: true },
          varchar('kind', 16),
          varchar('customer_id', 128),
          varchar('event_id', 128),
          varchar('purpose', 32, nullable),
          varchar('channel', 32, nullable),
          varchar('status', 16, nullable),
          varchar('method', 32, nullable),
          varchar('scope', 32, nullable),
          int64('captured_at_ms'),
          varchar('notice_id', 128, nullable),
          varchar('notice_version', 16, nullable),
          varchar('evidence_ref', 128, nullable),
          int64('recorded_at_ms'),
          varchar('recorded_by', 128),
          varchar('recorded_by_role', 32),
          { name: 'log_partition', type: 'integer', isNullable: true },
          int64('log_offset', nullable),
          int64('published_at_ms', nullable),
          int64('audited_at_ms', nullable),
        ],
      }),
    );
    await queryRunner.createIndex('consent_ledger', new TableIndex({ name: 'consent_ledger_customer', columnNames: ['customer_id', 'log_offset'] }));
    await queryRunner.createIndex('consent_ledger', new TableIndex({ name: 'consent_ledger_objection', columnNames: ['customer_id', 'scope'], isUnique: true }));
    await queryRunner.createIndex('consent_ledger', new TableIndex({ name: 'consent_ledger_unpublished', columnNames: ['published_at_ms'] }));
    await queryRunner.createIndex('consent_ledger', new TableIndex({ name: 'consent_ledger_unaudited', columnNames: ['audited_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('consent_ledger');
  }
}

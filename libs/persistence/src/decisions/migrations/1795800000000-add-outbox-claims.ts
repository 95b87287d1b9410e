import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/**
 * Claims on outbox rows: the dispatcher that publishes a row holds it until its lease ends, so dispatchers of several
 * processes over one table publish each row once (a dead process's claim runs out and the row is claimed again).
 * SQLite rebuilds the table to add columns; action_outbox has no foreign keys, so nothing cascades.
 */
export class AddOutboxClaims1795800000000 implements MigrationInterface {
  name = 'AddOutboxClaims1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.addColumns('action_outbox', [new TableColumn(varchar('claimed_by', 64, { isNullable: true })), new TableColumn(int64('lease_until_ms', { isNullable: true }))]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('action_outbox', ['claimed_by', 'lease_until_ms']);
  }
}

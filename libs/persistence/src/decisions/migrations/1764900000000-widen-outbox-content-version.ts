import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/**
 * A content version is `draft@revision#sha256`, longer than the 80 characters the outbox first allowed: PostgreSQL
 * refused every outbound action that named approved content, and the partition retried the batch forever. SQLite
 * never enforced the length; TypeORM rebuilds its table (action_outbox has no foreign keys, so nothing cascades).
 */
export class WidenOutboxContentVersion1764900000000 implements MigrationInterface {
  name = 'WidenOutboxContentVersion1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 80, 255);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.resize(queryRunner, 255, 80);
  }

  private async resize(queryRunner: QueryRunner, from: number, to: number): Promise<void> {
    const { varchar } = migrationColumns(queryRunner);
    await queryRunner.changeColumn(
      'action_outbox',
      new TableColumn(varchar('content_version', from, { isNullable: true })),
      new TableColumn(varchar('content_version', to, { isNullable: true })),
    );
  }
}

import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/**
 * The grant of a window's latest claim, written by the claim's own upsert: the statement's RETURNING then tells the
 * claimant what it got, so a claim is one statement instead of a transaction of four round trips (see
 * ChannelCapacityWindowRepository.claim).
 */
export class AddCapacityLastGranted1796000000000 implements MigrationInterface {
  name = 'AddCapacityLastGranted1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { int64 } = migrationColumns(queryRunner);
    await queryRunner.addColumn('channel_capacity_windows', new TableColumn(int64('last_granted', { default: 0 })));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('channel_capacity_windows', 'last_granted');
  }
}

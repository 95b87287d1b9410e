import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Channel capacity used per (channel, window): the cluster-wide budget every process's dispatcher claims from. */
export class CreateChannelCapacityWindows1764600000000 implements MigrationInterface {
  name = 'CreateChannelCapacityWindows1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'channel_capacity_windows',
        columns: [varchar('channel', 32, { isPrimary: true }), int64('window_start_ms', { isPrimary: true }), int64('used'), int64('updated_at_ms')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('channel_capacity_windows');
  }
}

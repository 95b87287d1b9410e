import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** The partition directory of distributed deployments: members, their partition claims, handover floors. */
export class CreateClusterTables1764400000000 implements MigrationInterface {
  name = 'CreateClusterTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'cluster_members',
        columns: [varchar('process_id', 64, { isPrimary: true }), varchar('base_url', 300), int64('started_at_ms'), int64('heartbeat_at_ms')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'cluster_partition_claims',
        columns: [
          { name: 'partition', type: 'integer', isPrimary: true },
          varchar('process_id', 64, { isPrimary: true }),
          int64('epoch'),
          int64('applied_offset'),
          int64('claimed_at_ms'),
        ],
      }),
    );
    await queryRunner.createIndex('cluster_partition_claims', new TableIndex({ name: 'cluster_partition_claims_process', columnNames: ['process_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'cluster_partition_handovers',
        columns: [{ name: 'partition', type: 'integer', isPrimary: true }, int64('epoch'), int64('handover_offset'), int64('updated_at_ms')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cluster_partition_handovers');
    await queryRunner.dropTable('cluster_partition_claims');
    await queryRunner.dropTable('cluster_members');
  }
}

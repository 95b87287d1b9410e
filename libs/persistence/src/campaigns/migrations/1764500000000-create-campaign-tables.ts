import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Campaign arm counts (the bandit posteriors, shared by all processes) and the exposures awaiting attribution. */
export class CreateCampaignTables1764500000000 implements MigrationInterface {
  name = 'CreateCampaignTables1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'campaign_arm_counts',
        columns: [varchar('campaign_id', 64, { isPrimary: true }), varchar('arm', 64, { isPrimary: true }), int64('exposed'), int64('successes'), int64('failures'), int64('updated_at_ms')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'campaign_exposures',
        columns: [
          varchar('campaign_id', 64, { isPrimary: true }),
          varchar('customer_id', 128, { isPrimary: true }),
          varchar('arm', 64),
          { name: 'partition_id', type: 'integer' },
          int64('exposed_at_ms'),
          varchar('decision_id', 128),
        ],
      }),
    );
    await queryRunner.createIndex('campaign_exposures', new TableIndex({ name: 'campaign_exposures_customer', columnNames: ['customer_id'] }));
    await queryRunner.createIndex('campaign_exposures', new TableIndex({ name: 'campaign_exposures_exposed_at', columnNames: ['exposed_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('campaign_exposures');
    await queryRunner.dropTable('campaign_arm_counts');
  }
}

import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Outbound campaign sends per customer (at most one per campaign version) and the audience slots claimed. */
export class CreateCampaignSends1765000000000 implements MigrationInterface {
  name = 'CreateCampaignSends1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64 } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'campaign_sends',
        columns: [
          varchar('campaign_id', 64, { isPrimary: true }),
          { name: 'version', type: 'integer', isPrimary: true },
          varchar('customer_id', 128, { isPrimary: true }),
          { name: 'partition_id', type: 'integer' },
          varchar('status', 16),
          varchar('reason', 128, { isNullable: true }),
          varchar('decision_id', 128),
          { name: 'attempts', type: 'integer' },
          { name: 'slots', type: 'integer' },
          int64('updated_at_ms'),
        ],
      }),
    );
    await queryRunner.createIndex('campaign_sends', new TableIndex({ name: 'campaign_sends_partition', columnNames: ['campaign_id', 'version', 'partition_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'campaign_audience_claims',
        columns: [varchar('campaign_id', 64, { isPrimary: true }), { name: 'version', type: 'integer', isPrimary: true }, int64('claimed'), int64('updated_at_ms')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('campaign_audience_claims');
    await queryRunner.dropTable('campaign_sends');
  }
}

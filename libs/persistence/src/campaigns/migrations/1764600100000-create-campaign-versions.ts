import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';

/** Campaigns authored over HTTP: one row per version with its lifecycle state and who wrote, edited and approved it. */
export class CreateCampaignVersions1764600100000 implements MigrationInterface {
  name = 'CreateCampaignVersions1764600100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { varchar, int64, types } = migrationColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'campaign_versions',
        columns: [
          varchar('campaign_id', 64, { isPrimary: true }),
          { name: 'version', type: 'integer', isPrimary: true },
          varchar('status', 16),
          { name: 'definition', type: types.text },
          varchar('author_id', 128),
          varchar('last_editor_id', 128),
          varchar('submitted_by', 128, { isNullable: true }),
          varchar('approved_by', 128, { isNullable: true }),
          { name: 'row_version', type: 'integer' },
          int64('created_at_ms'),
          int64('updated_at_ms'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('campaign_versions');
  }
}

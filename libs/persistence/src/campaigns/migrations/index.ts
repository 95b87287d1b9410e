import { MigrationInterface } from 'typeorm';
import { CreateCampaignTables1764500000000 } from './1764500000000-create-campaign-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the campaigns area per dialect, in the order they run (after the foundation tables). */
export const campaignsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateCampaignTables1764500000000],
  postgres: [CreateCampaignTables1764500000000],
};

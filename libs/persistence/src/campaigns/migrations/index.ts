import { MigrationInterface } from 'typeorm';
import { CreateCampaignTables1764500000000 } from './1764500000000-create-campaign-tables';
import { CreateChannelCapacityWindows1764600000000 } from './1764600000000-create-channel-capacity-windows';
import { CreateCampaignVersions1764600100000 } from './1764600100000-create-campaign-versions';
import { CreateCampaignSends1765000000000 } from './1765000000000-create-campaign-sends';
import { AddCapacityLastGranted1796000000000 } from './1796000000000-add-capacity-last-granted';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the campaigns area per dialect, in the order they run (after the foundation tables). */
export const campaignsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateCampaignTables1764500000000, CreateChannelCapacityWindows1764600000000, CreateCampaignVersions1764600100000, CreateCampaignSends1765000000000, AddCapacityLastGranted1796000000000],
  postgres: [CreateCampaignTables1764500000000, CreateChannelCapacityWindows1764600000000, CreateCampaignVersions1764600100000, CreateCampaignSends1765000000000, AddCapacityLastGranted1796000000000],
};

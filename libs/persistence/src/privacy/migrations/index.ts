import { MigrationInterface } from 'typeorm';
import { CreatePrivacyTables1763950000000 } from './common/1763950000000-create-privacy-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the privacy area per dialect, in the order they run (after the foundation tables). */
export const privacyMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreatePrivacyTables1763950000000],
  postgres: [CreatePrivacyTables1763950000000],
};

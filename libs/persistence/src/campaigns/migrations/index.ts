import { MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the campaigns area per dialect, in the order they run (after the foundation tables). */
export const campaignsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [],
  postgres: [],
};

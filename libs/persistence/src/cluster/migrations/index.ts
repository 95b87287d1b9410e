import { MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the cluster area per dialect, in the order they run (after the foundation tables). */
export const clusterMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [],
  postgres: [],
};

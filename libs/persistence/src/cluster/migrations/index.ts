import { MigrationInterface } from 'typeorm';
import { CreateClusterTables1764400000000 } from './1764400000000-create-cluster-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the cluster area per dialect, in the order they run (after the foundation tables). */
export const clusterMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateClusterTables1764400000000],
  postgres: [CreateClusterTables1764400000000],
};

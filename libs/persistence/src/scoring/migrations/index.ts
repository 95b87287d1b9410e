import { MigrationInterface } from 'typeorm';
import { CreateModelRegistry1764200000000 } from './1764200000000-create-model-registry';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the scoring area per dialect, in the order they run (after the foundation tables). */
export const scoringMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateModelRegistry1764200000000],
  postgres: [CreateModelRegistry1764200000000],
};

import { MigrationInterface } from 'typeorm';
import { CreateContentTables1764050000000 } from './1764050000000-create-content-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the content area per dialect, in the order they run (after the foundation tables). */
export const contentMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateContentTables1764050000000],
  postgres: [CreateContentTables1764050000000],
};

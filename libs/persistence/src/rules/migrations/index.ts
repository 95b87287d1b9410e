import { MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the rules area per dialect, in the order they run (after the foundation tables). */
export const rulesMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [],
  postgres: [],
};

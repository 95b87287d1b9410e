import { MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the decisions area per dialect, in the order they run (after the foundation tables). */
export const decisionsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [],
  postgres: [],
};

import { MigrationInterface } from 'typeorm';
import { CreateTriggerTables1795600000000 } from './1795600000000-create-trigger-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the triggers area per dialect, in the order they run (after the foundation tables). */
export const triggersMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateTriggerTables1795600000000],
  postgres: [CreateTriggerTables1795600000000],
};

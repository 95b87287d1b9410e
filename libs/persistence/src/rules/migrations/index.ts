import { MigrationInterface } from 'typeorm';
import { CreateRuleSetTables1764300000000 } from './1764300000000-create-rule-set-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the rules area per dialect, in the order they run (after the foundation tables). */
export const rulesMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateRuleSetTables1764300000000],
  postgres: [CreateRuleSetTables1764300000000],
};

import { MigrationInterface } from 'typeorm';
import { CreateAuditTables1795400000000 } from './1795400000000-create-audit-tables';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the audit area per dialect, in the order they run (after the foundation tables). */
export const auditMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateAuditTables1795400000000],
  postgres: [CreateAuditTables1795400000000],
};

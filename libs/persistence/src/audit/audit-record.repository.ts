import type { AuditRecordStore } from '@kairos/audit';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../data-source';
import { PostgresAuditRecordRepository } from './postgres-audit-record.repository';
import { SqliteAuditRecordRepository } from './sqlite-audit-record.repository';

/**
 * The audit store of a database. It offers append, read and query only: there is no update or delete path in the
 * application, and the tables' triggers refuse both anyway.
 */
export function auditRecordRepository(dataSource: DataSource): AuditRecordStore {
  return dialectOf(dataSource) === 'postgres' ? new PostgresAuditRecordRepository(dataSource) : new SqliteAuditRecordRepository(dataSource);
}

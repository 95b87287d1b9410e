import type { AuditRecordStore } from '@kairos/audit';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../data-source';
import { PostgresAuditRecordRepository } from './postgres-audit-record.repository';
import { SqliteAuditRecordRepository } from './sqlite-audit-record.repository';
import { ThreadedSqliteAuditRecordRepository } from './threaded-sqlite-audit-record.repository';

/**
 * The audit store of a database. It offers append, read and query only: there is no update or delete path in the
 * application, and the tables' triggers refuse both anyway. A SQLite file is appended to by a writer thread (group
 * commit off the event loop); an in-memory SQLite database, which no second connection can open, on the event loop.
 */
export function auditRecordRepository(dataSource: DataSource): AuditRecordStore {
  if (dialectOf(dataSource) === 'postgres') return new PostgresAuditRecordRepository(dataSource);
  return ThreadedSqliteAuditRecordRepository.canServe(dataSource) ? new ThreadedSqliteAuditRecordRepository(dataSource) : new SqliteAuditRecordRepository(dataSource);
}

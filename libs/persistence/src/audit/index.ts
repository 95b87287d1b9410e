export { auditRecordRepository } from './audit-record.repository';
export { SqliteAuditRecordRepository } from './sqlite-audit-record.repository';
export { ThreadedSqliteAuditRecordRepository } from './threaded-sqlite-audit-record.repository';
export { PostgresAuditRecordRepository } from './postgres-audit-record.repository';
export { auditImmutability, AUDIT_TABLES } from './migrations/audit-immutability';
export type { AuditRecordRow, AuditCheckpointRow } from './audit-tables.entity';

export { AuditHttpModule } from './audit-http.module';
export { AuditController } from './audit.controller';
export { AuditLogService, auditRecordView, type AuditPage, type AuditRecordView, type AuditLogServiceDependencies } from './audit-log.service';
export { openAuditLog, embeddedAuditPaths, type AuditLog, type AuditLogOptions } from './open-audit-log';
export { AuditDataSource } from './audit-data.source';

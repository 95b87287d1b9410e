import { DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLogService } from './audit-log.service';

/**
 * HTTP edge of the audit log. Mounted as is, it expects the process's runtime module to provide AuditLogService
 * (as IngestionService is provided); `forRoot(service)` provides it itself.
 */
@Module({ controllers: [AuditController] })
export class AuditHttpModule {
  static forRoot(service: AuditLogService): DynamicModule {
    return { module: AuditHttpModule, providers: [{ provide: AuditLogService, useValue: service }] };
  }
}

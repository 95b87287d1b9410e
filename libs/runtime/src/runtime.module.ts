import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventTraceService, ProfileQueryService } from '@kairos/customer-state';
import { AuditLogService, ConsentGate, ConsentLedgerService, CustomerDataExportService, CustomerErasureService, ReviewCaseService } from '@kairos/governance';
import { IngestionService } from '@kairos/ingestion';
import { KairosRuntime } from './kairos-runtime';
import { OperationsController } from './operations.controller';

/**
 * Hands the process's runtime parts to Nest. Feature modules inject services by class and never see which adapters
 * (embedded or distributed) stand behind them.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: KairosRuntime): DynamicModule {
    const providers = [
      { provide: KairosRuntime, useValue: runtime },
      { provide: IngestionService, useValue: runtime.ingestion },
      { provide: ProfileQueryService, useValue: runtime.profiles },
      { provide: EventTraceService, useValue: runtime.traces },
      { provide: AuditLogService, useValue: runtime.audit.service },
      { provide: ConsentLedgerService, useValue: runtime.governance.consents },
      { provide: ConsentGate, useValue: runtime.governance.consentGate },
      { provide: CustomerErasureService, useValue: runtime.governance.erasure },
      { provide: CustomerDataExportService, useValue: runtime.governance.exports },
      { provide: ReviewCaseService, useValue: runtime.governance.reviews },
    ];
    return { module: RuntimeModule, controllers: [OperationsController], providers, exports: providers.map((p) => p.provide) };
  }
}

import { createHash, randomUUID } from 'node:crypto';
import type { AuditActor, AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import { Logger, createLogger } from '@kairos/observability';
import type { Clock } from '../../retention/retention-clock';
import type { CustomerDataSource, ExportedRecord } from './customer-data-source';
import { CUSTOMER_DATA_EXPORT_FORMAT, CustomerDataExport, CustomerDataExportRecord, CustomerDataExportSectionManifest } from './customer-data-export';

const SECTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface CustomerDataExportOptions {
  readonly sources: readonly CustomerDataSource[];
  readonly audit: AuditTrail;
  readonly clock?: Clock;
  readonly newRequestId?: () => string;
  readonly logger?: Logger;
}

/**
 * Everything Kairos holds about one person, gathered from every plugged-in source into one JSON document with a
 * manifest (section, count, record ids, digest). All or nothing: a source that fails fails the export (an export
 * that silently lacks a store would be a wrong answer to Art. 15), and a source that returns a record of anyone
 * else fails it too, before anything leaves. Each request is audited (`dsr_executed`, counts only); the document
 * is released only after its audit record is durable.
 */
export class CustomerDataExportService {
  private readonly clock: Clock;
  private readonly newRequestId: () => string;
  private readonly logger: Logger;

  constructor(private readonly options: CustomerDataExportOptions) {
    const names = new Set<string>();
    for (const source of options.sources) {
      if (!SECTION_NAME.test(source.name) || names.has(source.name)) {
        throw new KairosError('INTERNAL', `export source name "${source.name}" is not a unique lower_snake_case section name`);
      }
      names.add(source.name);
    }
    this.clock = options.clock ?? { now: () => Date.now() };
    this.newRequestId = options.newRequestId ?? randomUUID;
    this.logger = options.logger ?? createLogger({ level: 'silent' });
  }

  async export(customerId: string, requestedBy: AuditActor): Promise<CustomerDataExport> {
    const requestId = this.newRequestId();
    const generatedAtMs = this.clock.now();
    let collected: (readonly ExportedRecord[])[];
    try {
      collected = await Promise.all(this.options.sources.map((source) => this.collect(source, customerId)));
    } catch (error) {
      // The failure is what the caller must see; an audit outage on top of it is logged inside auditOutcome.
      await this.auditOutcome(requestId, customerId, requestedBy, generatedAtMs, { outcome: 'failed', reason: reasonOf(error) }).catch(() => undefined);
      throw error;
    }

    const sections: Record<string, CustomerDataExportRecord[]> = {};
    const manifest: CustomerDataExportSectionManifest[] = [];
    this.options.sources.forEach((source, index) => {
      const records = collected[index].map(({ id, recordedAt, data }) => (recordedAt === undefined ? { id, data } : { id, recordedAt, data }));
      sections[source.name] = records;
      manifest.push({
        name: source.name,
        description: source.description,
        count: records.length,
        recordIds: records.map((record) => record.id),
        sha256: createHash('sha256').update(JSON.stringify(records)).digest('hex'),
      });
    });
    const totalRecords = manifest.reduce((sum, section) => sum + section.count, 0);
    const document: CustomerDataExport = {
      format: CUSTOMER_DATA_EXPORT_FORMAT,
      formatVersion: 1,
      requestId,
      customerId,
      generatedAt: new Date(generatedAtMs).toISOString(),
      manifest: { sections: manifest, totalRecords },
      sections,
    };
    await this.auditOutcome(requestId, customerId, requestedBy, generatedAtMs, {
      outcome: 'completed',
      sections: manifest.map(({ name, count, sha256 }) => ({ name, count, sha256 })),
      totalRecords,
    });
    return document;
  }

  private async collect(source: CustomerDataSource, customerId: string): Promise<readonly ExportedRecord[]> {
    let records: readonly ExportedRecord[];
    try {
      records = await source.collect(customerId);
    } catch (error) {
      this.logger.error({ source: source.name, err: reasonOf(error) }, 'export source failed');
      if (error instanceof KairosError && error.status >= 500) throw error;
      throw new KairosError('STORAGE_UNAVAILABLE', `the export could not read the ${source.name} section; retry later`, [], 5);
    }
    if (records.some((record) => record.customerId !== customerId)) {
      // Never a partial answer and never someone else's data: the whole export stops here.
      this.logger.error({ source: source.name }, 'export source returned a record of another customer');
      throw new KairosError('INTERNAL', `the ${source.name} section returned a record about someone else; nothing was exported`);
    }
    return records;
  }

  private async auditOutcome(requestId: string, customerId: string, actor: AuditActor, atMs: number, output: Record<string, unknown>): Promise<void> {
    try {
      await this.options.audit.append({
        kind: 'dsr_executed',
        actor,
        subject: customerId,
        output: { right: 'access', requestId, ...output },
        occurredAtMs: atMs,
      });
    } catch (error) {
      this.logger.error({ err: reasonOf(error) }, 'audit record of an export could not be written');
      throw new KairosError('AUDIT_UNAVAILABLE', 'the export was not released because its audit record could not be written; retry later', [], 5);
    }
  }
}

function reasonOf(error: unknown): string {
  return error instanceof KairosError ? error.code : error instanceof Error ? error.name : 'unknown';
}

import { decodeAuditCursor } from '@kairos/audit';
import type { CustomerDataSource, ExportedRecord } from '../data-subject-rights/export/customer-data-source';
import type { AuditLogService } from './audit-log.service';

const PAGE = 500;

/**
 * Every audit record about the person — decisions, suppressed actions, scores, consent changes, requests — each
 * with its plain-language explanation in German and English (Art. 15(1)(h): meaningful information about the logic).
 */
export class AuditDataSource implements CustomerDataSource {
  readonly name = 'decisions_and_audit';
  readonly description = 'Automated decisions about you and everything else recorded about you in the audit log, each explained in words.';

  constructor(private readonly audit: Pick<AuditLogService, 'list' | 'explain'>) {}

  async collect(customerId: string): Promise<readonly ExportedRecord[]> {
    const records: ExportedRecord[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await this.audit.list({ subject: customerId }, cursor === undefined ? undefined : (decodeAuditCursor(cursor) ?? undefined), PAGE);
      for (const record of page.records) {
        const [de, en] = await Promise.all([this.audit.explain(record.id, 'de'), this.audit.explain(record.id, 'en')]);
        records.push({ id: record.id, customerId, recordedAt: record.recordedAt, data: { record, explanation: { de, en } } });
      }
      if (page.nextCursor === undefined) return records;
      cursor = page.nextCursor;
    }
  }
}

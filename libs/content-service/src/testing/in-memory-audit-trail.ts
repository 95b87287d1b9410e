import type { AuditReceipt, AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';

/** Records audit drafts in memory for assertions; `failNext` makes the next append fail like an unavailable trail. */
export class InMemoryAuditTrail implements AuditTrail {
  readonly records: AuditRecordDraft[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures = times;
  }

  async append(draft: AuditRecordDraft): Promise<AuditReceipt> {
    if (this.failures > 0) {
      this.failures--;
      throw new KairosError('AUDIT_UNAVAILABLE', 'the audit trail is unavailable');
    }
    this.records.push(draft);
    return { id: `audit-${this.records.length}`, chain: 0, sequence: this.records.length, hash: `h${this.records.length}` };
  }
}

/**
 * Specs only: an audit trail that keeps what it is given, and can be told to fail (the real chain lives in
 * @kairos/audit's own area and is wired by the runtime).
 */
import type { AuditReceipt, AuditRecordDraft, AuditTrail } from '@kairos/audit';

export class RecordingAuditTrail implements AuditTrail {
  readonly records: AuditRecordDraft[] = [];
  failNext = false;

  async append(draft: AuditRecordDraft): Promise<AuditReceipt> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('audit log unavailable');
    }
    this.records.push(draft);
    return { id: `audit-${this.records.length}`, chain: 0, sequence: this.records.length, hash: 'h'.repeat(64) };
  }

  ofKind(kind: AuditRecordDraft['kind']): AuditRecordDraft[] {
    return this.records.filter((record) => record.kind === kind);
  }
}

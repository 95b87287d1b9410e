import {
  auditExportLines,
  auditRecordOf,
  encodeAuditCursor,
  explainRecord,
  type AuditExplanation,
  type AuditQuery,
  type AuditQueryPosition,
  type AuditRecord,
  type AuditRecordStore,
  type AuditVerificationResult,
  type ExplanationLocale,
  type OpenedPersonalData,
  type PersonalDataCipher,
  type StoredAuditRecord,
} from '@kairos/audit';
import { KairosError } from '@kairos/contracts';

/** A record as the API shows it: everything but the sealed personal data (only the explanation opens that). */
export type AuditRecordView = Omit<AuditRecord, 'sealedPersonalData'> & {
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly hasPersonalData: boolean;
};

export interface AuditPage {
  readonly records: readonly AuditRecordView[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface AuditLogServiceDependencies {
  readonly store: AuditRecordStore;
  readonly verifier: { verify(): Promise<AuditVerificationResult> };
  readonly cipher: PersonalDataCipher;
}

/** What the DPO does with the audit log: read and filter it, export it, verify it, and have a record explained. */
export class AuditLogService {
  private running: Promise<AuditVerificationResult> | undefined;

  constructor(private readonly dependencies: AuditLogServiceDependencies) {}

  async list(filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): Promise<AuditPage> {
    const rows = await this.dependencies.store.query(filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { records: page.map(auditRecordView), ...(rows.length > limit && last ? { nextCursor: encodeAuditCursor(last) } : {}) };
  }

  exportLines(filter: AuditQuery): AsyncGenerator<string> {
    return auditExportLines(this.dependencies.store, filter);
  }

  /** One verification at a time: requests arriving while it runs get its result instead of starting another scan. */
  verify(): Promise<AuditVerificationResult> {
    this.running ??= this.dependencies.verifier.verify().finally(() => (this.running = undefined));
    return this.running;
  }

  async explain(id: string, locale: ExplanationLocale): Promise<AuditExplanation> {
    const stored = await this.dependencies.store.byId(id);
    if (stored === null) throw new KairosError('NOT_FOUND', 'there is no audit record with this id');
    const record = auditRecordOf(stored);
    return explainRecord(record, locale, await this.openPersonalData(record));
  }

  private async openPersonalData(record: AuditRecord): Promise<OpenedPersonalData | undefined> {
    if (record.sealedPersonalData === undefined || record.subject === undefined) return undefined;
    const opened = await this.dependencies.cipher.open(record.subject, record.sealedPersonalData);
    return opened === null ? 'erased' : (JSON.parse(opened) as Record<string, unknown>);
  }
}

export function auditRecordView(stored: StoredAuditRecord): AuditRecordView {
  const { sealedPersonalData, ...record } = auditRecordOf(stored);
  return { ...record, occurredAt: new Date(record.occurredAtMs).toISOString(), recordedAt: new Date(record.recordedAtMs).toISOString(), hasPersonalData: sealedPersonalData !== undefined };
}

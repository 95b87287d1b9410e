import type { CustomerDataSource, ExportedRecord } from '../data-subject-rights/export/customer-data-source';
import type { ConsentLedgerService } from './consent-ledger.service';

/** The person's consents and objections with their full history, for the access export (Art. 15/20). */
export class ConsentDataSource implements CustomerDataSource {
  readonly name = 'consents';
  readonly description = 'What you agreed to or refused, per purpose and channel, when and how, and your objections.';

  constructor(private readonly consents: Pick<ConsentLedgerService, 'overview'>) {}

  async collect(customerId: string): Promise<readonly ExportedRecord[]> {
    const overview = await this.consents.overview(customerId);
    const changes = overview.history.map((change) => ({
      id: change.consentId,
      customerId,
      recordedAt: change.capturedAt,
      data: { kind: 'consent_change', ...change },
    }));
    const objections = overview.objections.map((objection) => ({
      id: objection.requestId,
      customerId,
      recordedAt: objection.receivedAt,
      data: { kind: 'objection', ...objection },
    }));
    return [...changes, ...objections];
  }
}

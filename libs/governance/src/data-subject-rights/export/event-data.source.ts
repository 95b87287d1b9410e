import type { EventLog } from '@kairos/event-log';
import type { CustomerDataSource, ExportedRecord, SealedEventOpener } from './customer-data-source';

/** Every stored event about the person, in log order, with sealed personal fields opened. */
export class EventDataSource implements CustomerDataSource {
  readonly name = 'events';
  readonly description = 'Events about you that Kairos received from the bank\'s systems and channels (logins, card use, messages, consents), as stored.';

  constructor(
    private readonly log: Pick<EventLog, 'readCustomer'>,
    private readonly open: SealedEventOpener,
  ) {}

  async collect(customerId: string): Promise<readonly ExportedRecord[]> {
    const records: ExportedRecord[] = [];
    for (const { partition, offset, event: sealed } of await this.log.readCustomer(customerId)) {
      const event = await this.open(customerId, sealed);
      const { id, customerId: subject, occurredAtMs: _occurredAtMs, receivedAtMs, ...envelope } = event;
      records.push({
        id,
        customerId: subject,
        recordedAt: new Date(receivedAtMs).toISOString(),
        data: { ...envelope, receivedAt: new Date(receivedAtMs).toISOString(), storedAt: { partition, offset } },
      });
    }
    return records;
  }
}

import type { LoggedEvent } from '@kairos/contracts';
import type { CustomerKeyring } from './customer-keyring';
import { EventWithData, mapPersonalFields } from './personal-data-sealer';
import { personalFieldsOf, readField } from './personal-fields';
import { fieldContext, isSealedValue, openText } from './sealed-value';

/** What opening did, for metrics: fields opened, and fields dropped because their key is destroyed or they do not open. */
export interface OpeningStats {
  opened: number;
  dropped: number;
}

/**
 * Opens the sealed personal fields of stored events for the code that needs the plaintext (the profile fold, a
 * data-subject access export). A field whose key is destroyed — the customer was erased — or that does not open
 * (tampered, moved from another customer or field) is dropped: consumers see it as absent, never as ciphertext.
 * A key store failure is thrown, not hidden: folding with dropped fields because a database blinked would be wrong.
 */
export class PersonalDataOpener {
  readonly stats: OpeningStats = { opened: 0, dropped: 0 };

  constructor(private readonly keyring: CustomerKeyring) {}

  /**
   * The records with their sealed fields opened, in order; records without sealed fields are returned as they are.
   * The keys of the whole batch are fetched in one query. A `customer_erased` record evicts its customer's key from
   * this process's cache, so an erasure done by another process takes effect here in log order.
   */
  async openRecords(records: readonly LoggedEvent[]): Promise<readonly LoggedEvent[]> {
    let subjects: Set<string> | undefined;
    for (const { event } of records) {
      if (event.type === 'customer_erased') this.keyring.forget(event.customerId);
      else if (hasSealedField(event)) (subjects ??= new Set()).add(event.customerId);
    }
    if (!subjects) return records;
    const keys = await this.keyring.openingKeys(subjects);
    return records.map((record) => {
      if (!hasSealedField(record.event)) return record;
      return { ...record, event: this.openWith(keys.get(record.event.customerId), record.event.customerId, record.event) };
    });
  }

  /** One event of `subject` with its sealed fields opened (for exports and explanations; the worker uses openRecords). */
  async openEvent<E extends EventWithData>(event: E, subject: string): Promise<E> {
    if (!hasSealedField(event)) return event;
    const keys = await this.keyring.openingKeys([subject]);
    return this.openWith(keys.get(subject), subject, event);
  }

  private openWith<E extends EventWithData>(key: Buffer | undefined, subject: string, event: E): E {
    return mapPersonalFields(event, (value, field) => {
      if (!isSealedValue(value)) return value;
      const plaintext = key ? openText(key, fieldContext(subject, field.path), value) : null;
      if (plaintext === null) {
        this.stats.dropped++;
        return undefined;
      }
      this.stats.opened++;
      return JSON.parse(plaintext) as unknown;
    });
  }
}

function hasSealedField(event: EventWithData): boolean {
  const fields = personalFieldsOf(event.type);
  return fields !== undefined && fields.some((field) => isSealedValue(readField(event.data, field.segments)));
}

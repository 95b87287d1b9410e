import type { CustomerKeyring } from './customer-keyring';
import { PersonalFieldPath, personalFieldsOf, readField, withField } from './personal-fields';
import { fieldContext, isSealedValue, openText, sealText } from './sealed-value';

/** The part of an event sealing looks at: its type and its data. */
export interface EventWithData {
  readonly type: string;
  readonly data: object;
}

/** One event to seal and the key subject to seal it for (its customer id, or a parking subject). */
export interface SealRequest<E extends EventWithData> {
  readonly event: E;
  readonly subject: string;
}

/** One parked event to re-seal: its fields are sealed for `from` (a parking subject) and must be sealed for `to`. */
export interface ResealRequest<E extends EventWithData> {
  readonly event: E;
  readonly from: string;
  readonly to: string;
}

/**
 * Replaces the personal fields of events by sealed values (see PERSONAL_FIELDS), at ingestion, after validation
 * and before the event is stored anywhere. Field values are sealed as JSON, so a field of any JSON type can be
 * listed. Events of types without personal fields are returned as they are, without a key lookup.
 */
export class PersonalDataSealer {
  constructor(private readonly keyring: CustomerKeyring) {}

  /** True when the event carries a personal field: only those need a key. */
  static needsSealing(event: EventWithData): boolean {
    const fields = personalFieldsOf(event.type);
    return fields !== undefined && fields.some((field) => readField(event.data, field.segments) !== undefined);
  }

  /**
   * The events with their personal fields sealed, in order; null for an event whose subject is erased (it must not
   * be stored). One key query for the whole batch.
   */
  async seal<E extends EventWithData>(requests: readonly SealRequest<E>[]): Promise<(E | null)[]> {
    const subjects = new Set<string>();
    for (const { event, subject } of requests) if (PersonalDataSealer.needsSealing(event)) subjects.add(subject);
    if (subjects.size === 0) return requests.map((r) => r.event);
    const keys = await this.keyring.sealingKeys(subjects);
    return requests.map(({ event, subject }) => {
      if (!subjects.has(subject) || !PersonalDataSealer.needsSealing(event)) return event;
      const key = keys.get(subject);
      return key ? mapPersonalFields(event, (value, field) => sealText(key, fieldContext(subject, field.path), JSON.stringify(value))) : null;
    });
  }

  /**
   * Moves parked events to their customer's key: opens each sealed field with the parking key, seals it for the
   * customer. A field whose parking key is gone is dropped; an event whose customer is erased comes back as null.
   */
  async reseal<E extends EventWithData>(requests: readonly ResealRequest<E>[]): Promise<(E | null)[]> {
    const sealed = requests.filter((r) => PersonalDataSealer.needsSealing(r.event));
    if (sealed.length === 0) return requests.map((r) => r.event);
    const parkingKeys = await this.keyring.openingKeys(sealed.map((r) => r.from));
    const customerKeys = await this.keyring.sealingKeys(sealed.map((r) => r.to));
    return requests.map(({ event, from, to }) => {
      if (!PersonalDataSealer.needsSealing(event)) return event;
      const target = customerKeys.get(to);
      if (!target) return null;
      const source = parkingKeys.get(from);
      return mapPersonalFields(event, (value, field) => {
        const plaintext = isSealedValue(value) ? (source ? openText(source, fieldContext(from, field.path), value) : null) : JSON.stringify(value);
        return plaintext === null ? undefined : sealText(target, fieldContext(to, field.path), plaintext);
      });
    });
  }
}

/**
 * A copy of `event` with each present personal field replaced by `replace(value)` (removed when it returns
 * undefined). Shared by sealing and opening.
 */
export function mapPersonalFields<E extends EventWithData>(event: E, replace: (value: unknown, field: PersonalFieldPath) => unknown): E {
  const fields = personalFieldsOf(event.type);
  if (!fields) return event;
  let data = event.data as Record<string, unknown>;
  for (const field of fields) {
    const value = readField(data, field.segments);
    if (value === undefined) continue;
    data = withField(data, field.segments, replace(value, field));
  }
  return data === event.data ? event : { ...event, data };
}

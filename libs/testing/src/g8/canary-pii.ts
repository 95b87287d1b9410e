import { g8CaptureState } from './g8-state';

/**
 * Canary personal data (G8): values a test can use wherever it needs a person, each carrying a marker that
 * tools/scripts/g8-canary-scan.mjs recognises in logs, error bodies, metrics and prompts after `npm test`. A marker
 * found there is a leak; the same value in a 2xx body (a data export to the customer) is not.
 * Markers: `Canary7q` in names, IBANs and addresses, the `pii-canary.test` mail domain (RFC 2606 reserves .test)
 * and phone numbers under the unassigned country code +999.
 */
export const CANARY_NAME_MARKER = 'Canary7q';
export const CANARY_MAIL_DOMAIN = 'pii-canary.test';
export const CANARY_PHONE_PREFIX = '+9997';

export interface CanaryPerson {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  /** E.164, as the event catalog requires. */
  readonly phone: string;
  readonly birthDate: string;
  readonly iban: string;
  readonly address: string;
}

const FIELDS_PER_PERSON = 6; // every field but the birth date carries a marker

/** Counts canary values for the G8 summary line; the capture state exists only while `npm test` captures. */
export function countCanaryValues(count: number): void {
  const state = g8CaptureState();
  if (state) state.produced = (state.produced ?? 0) + count;
}

function base36(index: number, width: number): string {
  return index.toString(36).padStart(width, '0');
}

/** The `index`-th canary person: deterministic, distinct per index, valid for the event catalog's schemas. */
export function canaryPerson(index: number): CanaryPerson {
  countCanaryValues(FIELDS_PER_PERSON);
  const tag = base36(index, 4);
  return {
    firstName: `Ada-${CANARY_NAME_MARKER}${tag}`,
    lastName: `Lovelace-${CANARY_NAME_MARKER}${tag}`,
    email: `ada.${tag}@${CANARY_MAIL_DOMAIN}`,
    phone: `${CANARY_PHONE_PREFIX}${String(index % 1e9).padStart(9, '0')}`,
    birthDate: `19${String(50 + (index % 50)).padStart(2, '0')}-0${1 + (index % 9)}-1${index % 10}`,
    iban: `XX00${CANARY_NAME_MARKER.toUpperCase()}${String(index).padStart(10, '0')}`,
    address: `${CANARY_NAME_MARKER}-Strasse ${1 + (index % 200)}, 10115 Berlin`,
  };
}

/** A `customer_registered` event whose personal fields are all canaries; `overrides` replace top-level fields. */
export function canaryRegistrationEvent(customerId: string, index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const person = canaryPerson(index);
  return {
    id: `test-reg-${customerId}-${index}`,
    type: 'customer_registered',
    customerId,
    occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
    source: 'core-banking',
    data: {
      birthDate: person.birthDate,
      country: 'DE',
      language: 'de',
      timeZone: 'Europe/Berlin',
      firstName: person.firstName,
      lastName: person.lastName,
      contact: { email: person.email, phone: person.phone },
    },
    ...overrides,
  };
}

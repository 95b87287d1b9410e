import type { CustomerEvent } from '@kairos/contracts';

/** One record about the person, as a source hands it to the export. */
export interface ExportedRecord {
  /** Stable id within its section (event id, case id, consent record id, audit record id, ...). */
  readonly id: string;
  /** Whom the record is about. The export refuses a source that returns anyone else's record. */
  readonly customerId: string;
  /** When it was recorded (ISO-8601), when known. */
  readonly recordedAt?: string;
  /** The record itself: plain JSON, personal fields opened. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * A store that holds data about customers, plugged into the access export (Art. 15/20 GDPR). Every area brings its
 * own source at wiring time (profile, events, consents, decisions with explanations, audit records, messages,
 * review cases), so the export never reaches into another area's tables.
 */
export interface CustomerDataSource {
  /** Section name in the export: lower-case letters, digits and underscores, unique per export. */
  readonly name: string;
  /** What the section holds and why Kairos keeps it, in words the person can read. */
  readonly description: string;
  collect(customerId: string): Promise<readonly ExportedRecord[]>;
}

/**
 * Opens sealed personal fields (`kx1:` values) of a stored event for the person it is about; crypto-shredding lives
 * in @kairos/privacy (PersonalDataOpener.openEvent). A field whose key is destroyed comes back absent.
 */
export type SealedEventOpener = (customerId: string, event: CustomerEvent) => Promise<CustomerEvent>;

export const LEAVE_SEALED_FIELDS: SealedEventOpener = async (_customerId, event) => event;

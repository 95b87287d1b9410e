import { z } from 'zod';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, ConsentChannel, ConsentPurpose, eventDataSchemas, identifierSchema, isoInstantSchema } from '@kairos/contracts';
import { CONSENT_SCOPES, ConsentScope, RecordedConsentStatus } from './consent-state';
import type { PurposeRegistry } from './purpose-registry';

/**
 * The consent record as it leaves Kairos (API, data-subject export), shaped after ISO/IEC TS 27560:2023
 * (consent record information structure) with W3C DPV terms: the PII principal by pseudonym, the controller,
 * the notice (id + version) consented under, the purposes with their legal basis and data categories, the
 * current state and the full status history with how, when and on what evidence each status was captured.
 * One record per purpose and channel scope: the "consent" a customer gives, withdraws or refuses over time.
 */
export const CONSENT_RECORD_SCHEMA_VERSION = 'kairos-consent-record/1';

/** How a consent can be captured: the methods of the `consent_changed` event. */
export const CONSENT_METHODS = eventDataSchemas.consent_changed.shape.method.options;

/** DPV consent status concepts (https://w3id.org/dpv#ConsentStatus). */
const DPV_STATUS = { given: 'dpv:ConsentGiven', withdrawn: 'dpv:ConsentWithdrawn', refused: 'dpv:ConsentRefused' } as const satisfies Record<RecordedConsentStatus, string>;

/** The closest DPV purpose concept of each consent purpose. */
const DPV_PURPOSE = {
  marketing: 'dpv:DirectMarketing',
  profiling: 'dpv:Profiling',
  ai_personalization: 'dpv:Personalisation',
  analytics: 'dpv:ServiceOptimisation',
} as const satisfies Record<ConsentPurpose, string>;

const statusEvent = z.strictObject({
  consentId: identifierSchema,
  status: z.enum(['given', 'withdrawn', 'refused']),
  dpvStatus: z.enum(Object.values(DPV_STATUS) as [string, ...string[]]),
  method: z.enum(CONSENT_METHODS).describe('How the status was captured (27560: collection method)'),
  capturedAt: isoInstantSchema,
  recordedAt: isoInstantSchema,
  noticeId: identifierSchema,
  noticeVersion: z.string().regex(/^[0-9]+(\.[0-9]+){0,2}$/),
  evidenceRef: identifierSchema,
  logOffset: z.number().int().nonnegative().nullable().describe("Offset of the change in the customer's partition of the event log; null until in force"),
});

export const consentRecordSchema = z.strictObject({
  schemaVersion: z.literal(CONSENT_RECORD_SCHEMA_VERSION),
  recordId: identifierSchema.describe('27560: consent record identifier'),
  dataSubject: z.strictObject({ pseudonym: identifierSchema }).describe('27560: PII principal, by pseudonymous customer id (never a name)'),
  controller: z
    .strictObject({ id: z.string().min(1).max(64), name: z.string().min(1).max(200), contact: z.string().min(1).max(200) })
    .describe('27560: PII controller'),
  notice: z.strictObject({ id: identifierSchema, version: z.string().regex(/^[0-9]+(\.[0-9]+){0,2}$/) }).describe('27560: privacy notice consented under (newest change)'),
  purposes: z
    .array(
      z.strictObject({
        id: z.enum(CONSENT_PURPOSES),
        dpvPurpose: z.enum(Object.values(DPV_PURPOSE) as [string, ...string[]]),
        legalBasis: z.literal('dpv:Consent'),
        dataCategories: z.array(z.string().min(1).max(64)),
      }),
    )
    .min(1)
    .describe('27560: purposes, with legal basis (dpv:Consent) and the data categories they cover'),
  channel: z.enum(CONSENT_CHANNELS).nullable().describe('The channel the consent is limited to; null: every channel'),
  state: z.enum(Object.values(DPV_STATUS) as [string, ...string[]]).describe('27560: consent state now in force (DPV ConsentStatus)'),
  statusHistory: z.array(statusEvent).min(1).describe('27560: event history of the consent, oldest first'),
  createdAt: isoInstantSchema,
  updatedAt: isoInstantSchema,
});

export type ConsentRecord = z.infer<typeof consentRecordSchema>;

/** The JSON Schema (draft 2020-12) of a consent record, for consumers outside Kairos. */
export function consentRecordJsonSchema(): Record<string, unknown> {
  return { $id: 'https://kairos.dev/schemas/consent-record-1.json', title: 'Kairos consent record (ISO/IEC TS 27560, W3C DPV)', ...z.toJSONSchema(consentRecordSchema) };
}

/** One stored consent change, as the ledger keeps it. */
export interface ConsentHistoryEntry {
  readonly consentId: string;
  readonly purpose: ConsentPurpose;
  readonly channel: ConsentChannel | null;
  readonly status: RecordedConsentStatus;
  readonly method: (typeof CONSENT_METHODS)[number];
  readonly capturedAtMs: number;
  readonly recordedAtMs: number;
  readonly noticeId: string;
  readonly noticeVersion: string;
  readonly evidenceRef: string;
  readonly logOffset: number | null;
}

/**
 * Groups a customer's consent history (in log order; entries not yet in force last) into one record per purpose
 * and channel scope. The record's current state is that of its newest entry in force, else of its newest entry.
 */
export function consentRecordsOf(subject: string, history: readonly ConsentHistoryEntry[], registry: PurposeRegistry): ConsentRecord[] {
  const groups = new Map<string, ConsentHistoryEntry[]>();
  for (const entry of history) {
    const key = `${entry.purpose}/${entry.channel ?? 'any'}`;
    const entries = groups.get(key);
    if (entries) entries.push(entry);
    else groups.set(key, [entry]);
  }
  const { controller } = registry.document;
  return [...groups.values()].sort(byScope).map((entries) => {
    const first = entries[0];
    const newest = entries[entries.length - 1];
    const inForce = [...entries].reverse().find((entry) => entry.logOffset !== null) ?? newest;
    return {
      schemaVersion: CONSENT_RECORD_SCHEMA_VERSION,
      recordId: first.consentId,
      dataSubject: { pseudonym: subject },
      controller: { id: controller.id, name: controller.name, contact: controller.contact },
      notice: { id: newest.noticeId, version: newest.noticeVersion },
      purposes: [{ id: first.purpose, dpvPurpose: DPV_PURPOSE[first.purpose], legalBasis: 'dpv:Consent' as const, dataCategories: [...(registry.purposes.get(first.purpose)?.dataCategories ?? [])] }],
      channel: first.channel,
      state: DPV_STATUS[inForce.status],
      statusHistory: entries.map((entry) => ({
        consentId: entry.consentId,
        status: entry.status,
        dpvStatus: DPV_STATUS[entry.status],
        method: entry.method,
        capturedAt: new Date(entry.capturedAtMs).toISOString(),
        recordedAt: new Date(entry.recordedAtMs).toISOString(),
        noticeId: entry.noticeId,
        noticeVersion: entry.noticeVersion,
        evidenceRef: entry.evidenceRef,
        logOffset: entry.logOffset,
      })),
      createdAt: new Date(first.recordedAtMs).toISOString(),
      updatedAt: new Date(newest.recordedAtMs).toISOString(),
    };
  });
}

function byScope(a: readonly ConsentHistoryEntry[], b: readonly ConsentHistoryEntry[]): number {
  const rank = (entries: readonly ConsentHistoryEntry[]) =>
    CONSENT_PURPOSES.indexOf(entries[0].purpose) * CONSENT_SCOPES.length + CONSENT_SCOPES.indexOf((entries[0].channel ?? 'any') as ConsentScope);
  return rank(a) - rank(b);
}

import { canonicalJson } from './canonical-json';
import { sha256Hex } from './audit-hash';
import type { AuditRecord, AuditRecordKind } from './audit-record';

/**
 * A record as storage holds it: the canonical body (exactly the bytes that were hashed) plus copies of the fields
 * storage filters and orders by. The copies are checked against the body on verification.
 */
export interface StoredAuditRecord {
  readonly id: string;
  readonly chain: number;
  readonly sequence: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly kind: string;
  readonly subject: string | null;
  readonly decisionId: string | null;
  readonly occurredAtMs: number;
  readonly recordedAtMs: number;
  readonly body: string;
}

/** Where a record goes: decided inside the store's transaction, from the chain head it read there. */
export interface ChainPlacement {
  readonly id: string;
  readonly chain: number;
  readonly sequence: number;
  readonly prevHash: string;
  readonly recordedAtMs: number;
}

/** Every hashed field of a record, in canonical (sorted) order. */
export const HASHED_FIELDS = [
  'actor',
  'chain',
  'consent',
  'counterfactuals',
  'decisionId',
  'id',
  'inputs',
  'kind',
  'logic',
  'occurredAtMs',
  'output',
  'prevHash',
  'reasons',
  'recordedAtMs',
  'sealedPersonalData',
  'sequence',
  'subject',
] as const satisfies readonly (keyof AuditRecord)[];
type HashedField = (typeof HASHED_FIELDS)[number];
type PlacementField = keyof ChainPlacement;
type ContentField = Exclude<HashedField, PlacementField>;

/**
 * A validated draft whose fields are already in canonical JSON: encoded once when the draft arrives, so that the part
 * done under the chain lock (placing and hashing) is string concatenation and one SHA-256. Every field is present
 * (undefined when absent) so that all instances share one shape.
 */
export interface EncodedAuditContent {
  readonly kind: AuditRecordKind;
  readonly subject: string | undefined;
  readonly decisionId: string | undefined;
  readonly occurredAtMs: number;
  readonly encoded: EncodedFields;
}

type EncodedFields = { readonly [field in ContentField]: string | undefined };

export function encodeAuditContent(content: Omit<AuditRecord, PlacementField | 'hash'>): EncodedAuditContent {
  const encode = (field: ContentField) => {
    const value = (content as unknown as Record<ContentField, unknown>)[field];
    return value === undefined ? undefined : canonicalJson(value, field);
  };
  const encoded: EncodedFields = {
    actor: encode('actor'),
    consent: encode('consent'),
    counterfactuals: encode('counterfactuals'),
    decisionId: encode('decisionId'),
    inputs: encode('inputs'),
    kind: encode('kind'),
    logic: encode('logic'),
    occurredAtMs: encode('occurredAtMs'),
    output: encode('output'),
    reasons: encode('reasons'),
    sealedPersonalData: encode('sealedPersonalData'),
    subject: encode('subject'),
  };
  return { kind: content.kind, subject: content.subject, decisionId: content.decisionId, occurredAtMs: content.occurredAtMs, encoded };
}

/**
 * The record placed in its chain: canonical body and its SHA-256. Written out member by member in HASHED_FIELDS
 * order (this runs for every record under the chain lock; the unit tests hold it equal to canonicalJson).
 */
export function chainRecord(content: EncodedAuditContent, placement: ChainPlacement): StoredAuditRecord {
  const e = content.encoded;
  let body = '{"actor":' + e.actor + ',"chain":' + placement.chain;
  if (e.consent !== undefined) body += ',"consent":' + e.consent;
  if (e.counterfactuals !== undefined) body += ',"counterfactuals":' + e.counterfactuals;
  if (e.decisionId !== undefined) body += ',"decisionId":' + e.decisionId;
  body += ',"id":' + JSON.stringify(placement.id);
  if (e.inputs !== undefined) body += ',"inputs":' + e.inputs;
  body += ',"kind":' + e.kind;
  if (e.logic !== undefined) body += ',"logic":' + e.logic;
  body += ',"occurredAtMs":' + e.occurredAtMs;
  if (e.output !== undefined) body += ',"output":' + e.output;
  body += ',"prevHash":' + JSON.stringify(placement.prevHash);
  if (e.reasons !== undefined) body += ',"reasons":' + e.reasons;
  body += ',"recordedAtMs":' + placement.recordedAtMs;
  if (e.sealedPersonalData !== undefined) body += ',"sealedPersonalData":' + e.sealedPersonalData;
  body += ',"sequence":' + placement.sequence;
  if (e.subject !== undefined) body += ',"subject":' + e.subject;
  body += '}';
  return {
    id: placement.id,
    chain: placement.chain,
    sequence: placement.sequence,
    prevHash: placement.prevHash,
    hash: sha256Hex(body),
    kind: content.kind,
    subject: content.subject ?? null,
    decisionId: content.decisionId ?? null,
    occurredAtMs: content.occurredAtMs,
    recordedAtMs: placement.recordedAtMs,
    body,
  };
}

/** The record a stored body describes. Callers that need trust run the verifier; this only reads. */
export function auditRecordOf(stored: StoredAuditRecord): AuditRecord {
  return { ...(JSON.parse(stored.body) as Omit<AuditRecord, 'hash'>), hash: stored.hash };
}

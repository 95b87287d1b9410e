import { encodeParsedDraft, type EncodedDraft } from './audit-draft-encoding';
import { canonicalJson, canonicalString } from './canonical-json';
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

/**
 * A validated draft already in canonical JSON, cut where the placement's members go: encoded once when the draft
 * arrives, so that the part done under the chain lock (placing and hashing) is a dozen concatenations and one
 * SHA-256. Holding six pieces instead of one string per member also keeps what waits for a flush small for the
 * garbage collector.
 */
export interface EncodedAuditContent {
  readonly kind: AuditRecordKind;
  readonly subject: string | undefined;
  readonly decisionId: string | undefined;
  readonly occurredAtMs: number;
  /** `{"actor":…` — then chain. */
  readonly beforeChain: string;
  /** consent, counterfactuals, decisionId — then id. */
  readonly beforeId: string;
  /** inputs, kind, logic, occurredAtMs, output — then prevHash. */
  readonly beforePrevHash: string;
  /** reasons — then recordedAtMs. */
  readonly beforeRecordedAt: string;
  /** sealedPersonalData — then sequence. */
  readonly beforeSequence: string;
  /** subject and the closing brace. */
  readonly end: string;
}

/** The content of a record (anything zod accepted as a draft), encoded for chainRecord. */
export function encodeAuditContent(content: Omit<AuditRecord, keyof ChainPlacement | 'hash'>): EncodedAuditContent {
  const { sealedPersonalData, occurredAtMs, ...draft } = content;
  const encoded = encodeParsedDraft(draft);
  return encodedContent(encoded, occurredAtMs, sealedPersonalData);
}

/** A draft's encoding, placed in time and with its personal data sealed, ready for chainRecord. */
export function encodedContent(draft: EncodedDraft, occurredAtMs: number, sealedPersonalData: string | undefined): EncodedAuditContent {
  const m = draft.members;
  let beforeId = '';
  if (m.consent !== undefined) beforeId += ',"consent":' + m.consent;
  if (m.counterfactuals !== undefined) beforeId += ',"counterfactuals":' + m.counterfactuals;
  if (m.decisionId !== undefined) beforeId += ',"decisionId":' + m.decisionId;
  let beforePrevHash = m.inputs === undefined ? '' : ',"inputs":' + m.inputs;
  beforePrevHash += ',"kind":' + m.kind;
  if (m.logic !== undefined) beforePrevHash += ',"logic":' + m.logic;
  beforePrevHash += ',"occurredAtMs":' + canonicalJson(occurredAtMs, 'occurredAtMs');
  if (m.output !== undefined) beforePrevHash += ',"output":' + m.output;
  return {
    kind: draft.kind,
    subject: draft.subject,
    decisionId: draft.decisionId,
    occurredAtMs,
    beforeChain: flattened('{"actor":' + m.actor),
    beforeId: flattened(beforeId),
    beforePrevHash: flattened(beforePrevHash),
    beforeRecordedAt: m.reasons === undefined ? '' : flattened(',"reasons":' + m.reasons),
    beforeSequence: sealedPersonalData === undefined ? '' : flattened(',"sealedPersonalData":' + canonicalString(sealedPersonalData)),
    end: m.subject === undefined ? '}' : flattened(',"subject":' + m.subject + '}'),
  };
}

/**
 * A string built by concatenation stays a tree of its pieces (a rope) until something reads it character by
 * character; reading one character makes V8 flatten it in place. Content waits for its flush across young-generation
 * collections, and a segment of a few hundred pieces costs the collector several KB to copy where the flat string
 * costs its length: this halved the garbage-collection time of the append path. The sink keeps the read from being
 * optimised away.
 */
function flattened(text: string): string {
  _flattenedSink ^= text.charCodeAt(0) | 0;
  return text;
}
let _flattenedSink = 0;

/**
 * The record placed in its chain: canonical body and its SHA-256. Written out member by member in HASHED_FIELDS
 * order (this runs for every record under the chain lock; the unit tests hold it equal to canonicalJson).
 */
export function chainRecord(content: EncodedAuditContent, placement: ChainPlacement): StoredAuditRecord {
  const body =
    content.beforeChain +
    ',"chain":' +
    placement.chain +
    content.beforeId +
    ',"id":' +
    canonicalString(placement.id) +
    content.beforePrevHash +
    ',"prevHash":' +
    canonicalString(placement.prevHash) +
    content.beforeRecordedAt +
    ',"recordedAtMs":' +
    placement.recordedAtMs +
    content.beforeSequence +
    ',"sequence":' +
    placement.sequence +
    content.end;
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

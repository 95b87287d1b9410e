import { randomInt } from 'node:crypto';
import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { ConsentHistoryEntry, ConsentRecord, ConsentState, PurposeRegistry, consentRecordsOf, emptyConsentState, evolveConsentState } from '@kairos/consent';
import {
  ConsentChannel,
  ConsentPurpose,
  CustomerEvent,
  GOVERNANCE_EVENT_VALIDATION_POLICY,
  KairosError,
  ValidationIssue,
  formatPath,
  validateIncomingEvent,
} from '@kairos/contracts';
import type { EventLog } from '@kairos/event-log';
import type { Logger } from '@kairos/observability';
import type { ConsentLedgerEntry, ConsentLedgerRepository, LogPlacement, NewConsentLedgerEntry } from '@kairos/persistence';
import type { AppliedOffsetWaiter, ErasedCustomers } from './consent-ports';
import type { ConsentChangeBatch, ConsentChangeRequest, ObjectionRequest } from './consent-requests.schema';

export interface ConsentLedgerServiceOptions {
  readonly ledger: ConsentLedgerRepository;
  readonly log: EventLog;
  readonly applied: AppliedOffsetWaiter;
  readonly audit: AuditTrail;
  readonly registry: PurposeRegistry;
  readonly logger: Logger;
  readonly erasures?: ErasedCustomers;
  readonly clock?: () => number;
  /** How long a request waits for the owning worker to apply its change before answering "not yet in force" (ms). */
  readonly enforcementTimeoutMs?: number;
  /** How far `capturedAt` may lie ahead of the server clock (ms). */
  readonly maxFutureSkewMs?: number;
  /** Interval of the outbox sweep (ms); entries younger than this are left to the request that wrote them. */
  readonly reconcileEveryMs?: number;
}

/** Who records a change: the audit record's actor. */
export interface RecordingPrincipal {
  readonly id: string;
  readonly role: string;
}

export interface RecordedConsentChange {
  readonly consentId: string;
  readonly eventId: string;
  readonly partition: number | null;
  readonly offset: number | null;
}

export interface ConsentChangeOutcome {
  readonly customerId: string;
  readonly changes: readonly RecordedConsentChange[];
  /** The owning worker applied every change: the very next decision obeys it. */
  readonly inForce: boolean;
  readonly audited: boolean;
}

export interface ObjectionOutcome {
  readonly customerId: string;
  readonly requestId: string;
  readonly scope: string;
  /** The customer had already objected to this scope; the first objection stands. */
  readonly alreadyRecorded: boolean;
  readonly partition: number | null;
  readonly offset: number | null;
  readonly inForce: boolean;
  readonly audited: boolean;
}

export interface ConsentHistoryItem {
  readonly consentId: string;
  readonly purpose: string;
  readonly channel: string | null;
  readonly status: string;
  readonly method: string;
  readonly capturedAt: string;
  readonly recordedAt: string;
  readonly noticeId: string;
  readonly noticeVersion: string;
  readonly evidenceRef: string;
  readonly logOffset: number | null;
  readonly inForce: boolean;
}

/** `GET /v1/customers/{id}/consents`. */
export interface ConsentOverview {
  readonly customerId: string;
  /** Per purpose and scope, from the changes in force (log order), and the objections. */
  readonly state: Omit<ConsentState, 'erased'>;
  /** Entries recorded but not yet in the log. */
  readonly pending: number;
  readonly objections: readonly { readonly requestId: string; readonly scope: string; readonly receivedAt: string; readonly logOffset: number | null }[];
  readonly history: readonly ConsentHistoryItem[];
  /** The same history as ISO/IEC TS 27560 consent records, one per purpose and channel scope. */
  readonly records: readonly ConsentRecord[];
}

const SOURCE = 'governance-api';
const DEFAULTS = { enforcementTimeoutMs: 5_000, maxFutureSkewMs: 5 * 60_000, reconcileEveryMs: 10_000 };

/**
 * Records consent changes and objections so that nothing is half-written and each is in force for the very next
 * decision: (1) the ledger entries are written in one transaction; (2) their events are appended to the customer's
 * partition (event id derived from the entry, so a repeat is a duplicate, never a second change); (3) the entries
 * are marked published with their offsets; (4) each is audited; (5) the request waits until the owning worker has
 * applied the offsets. A crash after (1) leaves unpublished or unaudited entries, which the outbox sweep finishes
 * at start and periodically.
 */
export class ConsentLedgerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly clock: () => number;
  private readonly settings: typeof DEFAULTS;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | null = null;

  constructor(private readonly options: ConsentLedgerServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.settings = {
      enforcementTimeoutMs: options.enforcementTimeoutMs ?? DEFAULTS.enforcementTimeoutMs,
      maxFutureSkewMs: options.maxFutureSkewMs ?? DEFAULTS.maxFutureSkewMs,
      reconcileEveryMs: options.reconcileEveryMs ?? DEFAULTS.reconcileEveryMs,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile(0).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'consent outbox sweep at start failed; retrying periodically'));
    this.timer = setInterval(() => void this.reconcile(this.settings.reconcileEveryMs).catch(() => undefined), this.settings.reconcileEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async recordChanges(customerId: string, request: ConsentChangeBatch, principal: RecordingPrincipal): Promise<ConsentChangeOutcome> {
    await this.refuseErased(customerId);
    const now = this.clock();
    const entries = request.changes.map((change, index) => this.consentEntry(customerId, change, principal, now, request.batch ? ['changes', index] : []));
    await this.options.ledger.record(entries);
    const result = await this.finish(entries);
    const inForce = await this.enforced(entries, result.placements);
    return {
      customerId,
      changes: entries.map((entry) => ({ consentId: entry.entryId, eventId: entry.eventId, ...placementOf(result.placements, entry.entryId) })),
      inForce,
      audited: result.audited,
    };
  }

  async recordObjection(customerId: string, request: ObjectionRequest, principal: RecordingPrincipal): Promise<ObjectionOutcome> {
    await this.refuseErased(customerId);
    const now = this.clock();
    const entryId = request.requestId ?? newEntryId('obj');
    const candidate: NewConsentLedgerEntry = {
      ...EMPTY_CONSENT_FIELDS,
      entryId,
      kind: 'objection',
      customerId,
      eventId: `objection:${entryId}`,
      scope: request.scope,
      capturedAtMs: now,
      recordedAtMs: now,
      recordedBy: principal.id,
      recordedByRole: principal.role,
    };
    this.assertPublishable(candidate, now, [], { id: 'requestId', requestId: 'requestId' });
    let recorded;
    try {
      recorded = await this.options.ledger.recordObjection(candidate);
    } catch (error) {
      if (request.requestId !== undefined && (await this.options.ledger.find(request.requestId))) {
        throw new KairosError('CONFLICT', 'requestId already names another entry of the consent ledger', [{ path: 'requestId', rule: 'unique', message: 'already used' }]);
      }
      throw error;
    }
    const entry = recorded.entry;
    const result = await this.finish([entry]);
    const inForce = await this.enforced([entry], result.placements);
    return {
      customerId,
      requestId: entry.entryId,
      scope: entry.scope as string,
      alreadyRecorded: !recorded.created,
      ...placementOf(result.placements, entry.entryId),
      inForce,
      audited: result.audited,
    };
  }

  async overview(customerId: string): Promise<ConsentOverview> {
    const entries = await this.options.ledger.ofCustomer(customerId);
    const state = consentStateOfLedger(entries);
    const consents = entries.filter((entry) => entry.kind === 'consent').map(historyEntryOf);
    const { erased: _erased, ...inForce } = state;
    return {
      customerId,
      state: inForce,
      pending: entries.filter((entry) => entry.logOffset === null).length,
      objections: entries
        .filter((entry) => entry.kind === 'objection')
        .map((entry) => ({ requestId: entry.entryId, scope: entry.scope as string, receivedAt: iso(entry.capturedAtMs), logOffset: entry.logOffset })),
      history: consents.map((entry) => ({
        consentId: entry.consentId,
        purpose: entry.purpose,
        channel: entry.channel,
        status: entry.status,
        method: entry.method,
        capturedAt: iso(entry.capturedAtMs),
        recordedAt: iso(entry.recordedAtMs),
        noticeId: entry.noticeId,
        noticeVersion: entry.noticeVersion,
        evidenceRef: entry.evidenceRef,
        logOffset: entry.logOffset,
        inForce: entry.logOffset !== null,
      })),
      records: consentRecordsOf(customerId, consents, this.options.registry),
    };
  }

  /**
   * The outbox sweep: publishes and audits entries left unfinished (a crash, the log or audit trail unavailable).
   * Only entries older than `minAgeMs` are taken, so a request still working on its own entries is not raced.
   * Returns how many entries it finished.
   */
  async reconcile(minAgeMs = this.settings.reconcileEveryMs): Promise<number> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      const cutoff = this.clock() - minAgeMs;
      const entries = (await this.options.ledger.unfinished()).filter((entry) => entry.recordedAtMs <= cutoff);
      if (entries.length === 0) return 0;
      const result = await this.finish(entries);
      this.options.logger.info({ entries: entries.length, published: result.placements.size, audited: result.audited }, 'consent outbox sweep');
      return entries.length;
    })();
    try {
      return await this.sweeping;
    } finally {
      this.sweeping = null;
    }
  }

  /** Appends what is unpublished, then audits what is unaudited; failures leave entries for the sweep. */
  private async finish(entries: readonly (NewConsentLedgerEntry | ConsentLedgerEntry)[]): Promise<{ placements: Map<string, LogPlacement>; audited: boolean }> {
    const placements = new Map<string, LogPlacement>();
    for (const entry of entries) {
      if ('logOffset' in entry && entry.logOffset !== null && entry.logPartition !== null) placements.set(entry.entryId, { entryId: entry.entryId, partition: entry.logPartition, offset: entry.logOffset });
    }
    const unpublished = entries.filter((entry) => !placements.has(entry.entryId));
    try {
      if (unpublished.length > 0) {
        const outcomes = await this.options.log.append(unpublished.map(eventOf));
        const fresh = unpublished.map((entry, index) => ({ entryId: entry.entryId, partition: outcomes[index].partition, offset: outcomes[index].offset }));
        await this.options.ledger.markPublished(fresh, this.clock());
        for (const placement of fresh) placements.set(placement.entryId, placement);
      }
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, entries: unpublished.length }, 'consent entries recorded but not yet published; the outbox sweep retries');
      return { placements, audited: false };
    }
    const unaudited = entries.filter((entry) => !('auditedAtMs' in entry) || entry.auditedAtMs === null);
    try {
      for (const entry of unaudited) await this.options.audit.append(auditDraftOf(entry, placements.get(entry.entryId) as LogPlacement));
      await this.options.ledger.markAudited(
        unaudited.map((entry) => entry.entryId),
        this.clock(),
      );
      return { placements, audited: true };
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'consent change in force but its audit record is not yet written; the outbox sweep retries');
      return { placements, audited: false };
    }
  }

  private async enforced(entries: readonly { entryId: string }[], placements: ReadonlyMap<string, LogPlacement>): Promise<boolean> {
    const newest = new Map<number, number>();
    for (const entry of entries) {
      const placement = placements.get(entry.entryId);
      if (!placement) return false;
      newest.set(placement.partition, Math.max(newest.get(placement.partition) ?? -1, placement.offset));
    }
    const waits = [...newest].map(([partition, offset]) => this.options.applied.waitUntilApplied(partition, offset, this.settings.enforcementTimeoutMs));
    return (await Promise.all(waits)).every(Boolean);
  }

  private consentEntry(customerId: string, change: ConsentChangeRequest, principal: RecordingPrincipal, now: number, path: readonly (string | number)[]): NewConsentLedgerEntry {
    const entryId = newEntryId('cons');
    const entry: NewConsentLedgerEntry = {
      entryId,
      kind: 'consent',
      customerId,
      eventId: `consent-change:${entryId}`,
      purpose: change.purpose,
      channel: change.channel ?? null,
      status: change.status,
      method: change.method,
      scope: null,
      capturedAtMs: Date.parse(change.capturedAt),
      noticeId: change.noticeId,
      noticeVersion: change.noticeVersion,
      evidenceRef: change.evidenceRef,
      recordedAtMs: now,
      recordedBy: principal.id,
      recordedByRole: principal.role,
    };
    this.assertPublishable(entry, now, path, { occurredAt: 'capturedAt' });
    return entry;
  }

  /**
   * The event must pass the same check as anything read back from the log (a Kafka worker dead-letters what fails
   * it): time (nothing captured in the future) and no payment card number in any field, e.g. an evidence
   * reference or request id. Issues are named as the request's fields.
   */
  private assertPublishable(entry: NewConsentLedgerEntry, now: number, path: readonly (string | number)[], renamed: Readonly<Record<string, string>>): void {
    const { occurredAtMs: _occurred, receivedAtMs: _received, ...envelope } = eventOf(entry);
    const verdict = validateIncomingEvent(envelope, now, { ...GOVERNANCE_EVENT_VALIDATION_POLICY, maxFutureSkewMs: this.settings.maxFutureSkewMs });
    if (verdict.ok) return;
    throw new KairosError('VALIDATION_FAILED', 'the request cannot be recorded', verdict.issues.map((issue) => relocate(issue, path, renamed)));
  }

  private async refuseErased(customerId: string): Promise<void> {
    if (await this.options.erasures?.isErased(customerId)) throw new KairosError('CUSTOMER_ERASED', 'this customer was erased; no consent can be recorded');
  }
}

const EMPTY_CONSENT_FIELDS = { purpose: null, channel: null, status: null, method: null, noticeId: null, noticeVersion: null, evidenceRef: null } as const;

/** The event an entry publishes; derived from the entry alone, so a republished entry is the same event. */
function eventOf(entry: NewConsentLedgerEntry): CustomerEvent {
  const occurredAt = iso(entry.capturedAtMs);
  const common = { id: entry.eventId, customerId: entry.customerId, occurredAt, occurredAtMs: entry.capturedAtMs, receivedAtMs: entry.recordedAtMs, source: SOURCE };
  if (entry.kind === 'objection') {
    return { ...common, type: 'processing_objected', data: { requestId: entry.entryId, scope: entry.scope as 'direct_marketing', receivedAt: occurredAt } };
  }
  return {
    ...common,
    type: 'consent_changed',
    data: {
      consentId: entry.entryId,
      purpose: entry.purpose as ConsentPurpose,
      ...(entry.channel === null ? {} : { channel: entry.channel as ConsentChannel }),
      status: entry.status as 'given',
      method: entry.method as 'api',
      capturedAt: occurredAt,
      noticeId: entry.noticeId as string,
      noticeVersion: entry.noticeVersion as string,
      evidenceRef: entry.evidenceRef as string,
    },
  };
}

function auditDraftOf(entry: NewConsentLedgerEntry, placement: LogPlacement): AuditRecordDraft {
  const actor = { type: 'principal', principalId: entry.recordedBy, role: entry.recordedByRole } as const;
  const where = { partition: placement.partition, offset: placement.offset };
  if (entry.kind === 'objection') {
    return { kind: 'objection_recorded', actor, subject: entry.customerId, output: { requestId: entry.entryId, scope: entry.scope, ...where }, reasons: [`objected:${entry.scope}`], occurredAtMs: entry.capturedAtMs };
  }
  return {
    kind: 'consent_changed',
    actor,
    subject: entry.customerId,
    output: {
      consentId: entry.entryId,
      purpose: entry.purpose,
      channel: entry.channel,
      status: entry.status,
      method: entry.method,
      noticeId: entry.noticeId,
      noticeVersion: entry.noticeVersion,
      evidenceRef: entry.evidenceRef,
      ...where,
    },
    reasons: [`consent_${entry.status}:${entry.purpose}:${entry.channel ?? 'any'}`],
    occurredAtMs: entry.capturedAtMs,
  };
}

/** The state in force as the ledger records it: the entries that reached the log, in log order. */
export function consentStateOfLedger(entries: readonly ConsentLedgerEntry[]): ConsentState {
  let state = emptyConsentState();
  for (const entry of entries) {
    if (entry.logOffset === null) continue;
    state =
      entry.kind === 'objection'
        ? evolveConsentState(state, { scope: entry.scope as 'direct_marketing', offset: entry.logOffset })
        : evolveConsentState(state, { purpose: entry.purpose as ConsentPurpose, channel: entry.channel as ConsentChannel | null, status: entry.status as 'given', offset: entry.logOffset });
  }
  return state;
}

function historyEntryOf(entry: ConsentLedgerEntry): ConsentHistoryEntry {
  return {
    consentId: entry.entryId,
    purpose: entry.purpose as ConsentPurpose,
    channel: entry.channel as ConsentChannel | null,
    status: entry.status as 'given',
    method: entry.method as 'api',
    capturedAtMs: entry.capturedAtMs,
    recordedAtMs: entry.recordedAtMs,
    noticeId: entry.noticeId as string,
    noticeVersion: entry.noticeVersion as string,
    evidenceRef: entry.evidenceRef as string,
    logOffset: entry.logOffset,
  };
}

function placementOf(placements: ReadonlyMap<string, LogPlacement>, entryId: string): { partition: number | null; offset: number | null } {
  const placement = placements.get(entryId);
  return { partition: placement?.partition ?? null, offset: placement?.offset ?? null };
}

/** Issues of the event envelope named as the request's fields (e.g. `occurredAt` is a change's `capturedAt`). */
function relocate(issue: ValidationIssue, path: readonly (string | number)[], renamed: Readonly<Record<string, string>>): ValidationIssue {
  const field = issue.path.replace(/^data\./, '');
  const named = Object.prototype.hasOwnProperty.call(renamed, field) ? renamed[field] : field;
  return { ...issue, path: formatPath(named === '(root)' ? path : [...path, named]) };
}

const ID_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A server-assigned entry id: 22 random letters (103 bits). Letters only, because ids travel in events and a
 * random digit run can pass the Luhn check and be refused as a payment card number.
 */
function newEntryId(prefix: string): string {
  let id = `${prefix}-`;
  for (let i = 0; i < 22; i++) id += ID_LETTERS[randomInt(ID_LETTERS.length)];
  return id;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

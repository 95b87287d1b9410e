import type { ExplanationLocale } from '@kairos/audit';
import type { ConsentPolicy } from '@kairos/consent';
import type { ActionCatalog, CapacityPort, FeatureSource, ModelScore } from '@kairos/decisioning';
import type { Logger } from '@kairos/observability';
import type { FeatureRegistry, FeatureValue, PartitionProfileStore } from '@kairos/profile';
import type { AuditTrail } from '@kairos/audit';
import type { CampaignBook, ContactHistory, OwnerForwarder, RuleSource, ScoreSource, TriggerContextSource } from '../decision-sources';

/** The owning worker's partition state: the profile store of a partition, undefined when this process does not own it. */
export interface PartitionStates {
  store(partition: number): PartitionProfileStore | undefined;
}

/** Waits until the owner applied an offset of a partition (the governance module's AppliedOffsetWaiter). */
export interface AppliedOffsets {
  waitUntilApplied(partition: number, offset: number, timeoutMs: number): Promise<boolean>;
}

/**
 * The next offset the log will assign in a partition: everything accepted (answered 202) before the call has a
 * smaller offset. The embedded log knows it in memory; a Kafka adapter asks the broker for the high watermark.
 */
export interface PartitionHeads {
  headOffset(partition: number): number | Promise<number>;
}

/** Whether a customer was erased (Art. 17); the erasure service implements it. */
export interface ErasedCustomers {
  isErased(customerId: string): Promise<boolean>;
}

/**
 * The approved, unexpired revision of each content reference at `atMs` (issue 5): the version string a decision
 * and its audit record name, or null when nothing may be shown. Asked once per decision for every reference the
 * decision may use, so the synchronous pipeline never waits on I/O.
 */
export interface ApprovedContentSource {
  approvedVersions(refs: readonly string[], atMs: number): Promise<ReadonlyMap<string, string | null>>;
}

/** Values from systems outside the profile: the catalog's `externalFeatures` (e.g. days_past_due from collections). */
export interface ExternalFeatureSource {
  featureOf(customerId: string, name: string): FeatureValue | undefined;
}

/** A decision's audit record with its rendered explanation, for the DPO. */
export interface DecisionRecord {
  readonly record: unknown;
  readonly explanation: unknown;
}

/** Reads `decision_served` records back from the audit log by decision id. */
export interface DecisionRecordReader {
  decisionRecord(decisionId: string, locale: ExplanationLocale): Promise<DecisionRecord | null>;
}

/**
 * How a decision's audit record relates to its reply. `sync` (default): the reply leaves only after the record is
 * committed. `trailing`: the reply may leave before the commit, but at most `trailingMaxRecords` records and
 * `trailingMaxMs` behind; past either bound the reply waits for its own commit again, and a failed trailing write
 * puts the writer back to sync until a record commits.
 */
export interface DecisionAuditSettings {
  readonly mode: 'sync' | 'trailing';
  readonly trailingMaxMs: number;
  readonly trailingMaxRecords: number;
}

export const DEFAULT_DECISION_AUDIT_SETTINGS: DecisionAuditSettings = { mode: 'sync', trailingMaxMs: 50, trailingMaxRecords: 256 };

/**
 * A score source with models that cannot score synchronously (ONNX: a native session behind a promise). `prepare`
 * scores those before the decision (null: nothing to await); the synchronous `scoresFor` then takes the prepared
 * scores and checks consent again at decision time. The scoring module's ModelScoreSource is one.
 */
export interface PreparingScoreSource<Prepared = unknown> extends ScoreSource {
  prepare(
    customerId: string,
    features: FeatureSource,
    nowMs: number,
    allowed: (purpose: string) => boolean,
    models?: ReadonlySet<string>,
    /** The customer's profile revision (see `scoresFor`), asked only if an asynchronous model serves them. */
    revisionOf?: () => string,
  ): Promise<Prepared> | null;
  scoresFor(
    customerId: string,
    features: FeatureSource,
    nowMs: number,
    allowed: (purpose: string) => boolean,
    models?: ReadonlySet<string>,
    prepared?: Prepared | null,
    /** The customer's profile revision: scores may be reused while it and the serving versions are unchanged. */
    revision?: string,
  ): Readonly<Record<string, ModelScore>>;
}

export function isPreparingScoreSource(source: ScoreSource): source is PreparingScoreSource {
  return typeof (source as Partial<PreparingScoreSource>).prepare === 'function';
}

/** Optional sources: each is supplied by the module that owns it; absent ones are simply not read. */
export interface DecisionSourcePorts {
  /** Synchronous scores; a `PreparingScoreSource` also gets its asynchronous models scored before the decision. */
  readonly scores?: ScoreSource;
  readonly rules?: RuleSource;
  readonly triggers?: TriggerContextSource;
  readonly contacts?: ContactHistory;
  readonly campaigns?: CampaignBook;
  readonly forwarder?: OwnerForwarder;
  readonly capacity?: CapacityPort;
  readonly externalFeatures?: ExternalFeatureSource;
  /**
   * After a partition moved here, whether it may serve yet: its state has reached the offset the previous owner
   * had applied (R3). Absent: every owned partition serves (embedded mode).
   */
  readonly servable?: { awaitServable(partition: number, timeoutMs: number): Promise<boolean> };
}

export interface DecisionServiceOptions extends DecisionSourcePorts {
  readonly catalog: ActionCatalog;
  readonly registry: FeatureRegistry;
  readonly partitionCount: number;
  readonly states: PartitionStates;
  readonly applied: AppliedOffsets;
  /** Absent: no read-your-writes wait (a log without a cheap head offset). */
  readonly heads?: PartitionHeads;
  readonly erasures: ErasedCustomers;
  readonly consentPolicy: ConsentPolicy;
  readonly content: ApprovedContentSource;
  readonly audit: AuditTrail;
  readonly records: DecisionRecordReader;
  readonly auditSettings?: DecisionAuditSettings;
  /** Longest wait for the worker to apply the customer's accepted events before 503 (default 2,000 ms). */
  readonly catchUpTimeoutMs?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
  readonly newDecisionId?: () => string;
}

import type { EventLog } from '@kairos/event-log';
import type {
  ConsentLedgerRepository,
  ContentDraftRepository,
  RetentionSweepRepository,
  ReviewCaseRepository,
  SnapshotRetentionRepository,
  TriggerTraceRepository,
} from '@kairos/persistence';
import { DormantCustomerForgetting, DormantProfileRetentionTarget } from './dormant-profile-retention.target';
import { EventLogRetentionTarget } from './event-log-retention.target';
import type { RetentionTarget } from './retention-target';
import { SnapshotRetentionTarget } from './snapshot-retention.target';
import { TableRetentionTarget } from './table-retention.target';

export interface KairosRetentionStores {
  readonly log: EventLog;
  readonly sweep: RetentionSweepRepository;
  readonly snapshots: SnapshotRetentionRepository;
  readonly reviewCases: ReviewCaseRepository;
  /**
   * The partition worker of this process: dormant profiles of the partitions it owns. Absent in a process that owns
   * none; `profiles` then reports `not_enforced` there, and the owners' jobs age them.
   */
  readonly profiles?: DormantCustomerForgetting;
  readonly consentLedger: ConsentLedgerRepository;
  readonly contentDrafts: ContentDraftRepository;
  readonly triggerTraces: TriggerTraceRepository;
}

/**
 * The targets for every store Kairos keeps data in, in a safe order: dormant profiles first (the worker snapshots
 * without them), then snapshots, so the event log keeps everything after the newest valid snapshot that survived.
 */
export function kairosRetentionTargets(stores: KairosRetentionStores): RetentionTarget[] {
  const snapshots = new SnapshotRetentionTarget(stores.snapshots);
  return [
    ...(stores.profiles ? [new DormantProfileRetentionTarget(stores.profiles)] : []),
    snapshots,
    new EventLogRetentionTarget(stores.log, snapshots),
    new TableRetentionTarget('parked_events', 'parked_events', (cutoff) => stores.sweep.deleteParkedEventsReceivedBefore(cutoff)),
    new TableRetentionTarget('event_index', 'event_index', (cutoff) => stores.sweep.deleteEventIndexReceivedBefore(cutoff)),
    new TableRetentionTarget('trigger_traces', 'trigger_traces', (cutoff) => stores.triggerTraces.deleteRecordedBefore(cutoff)),
    new TableRetentionTarget('consent_records', 'consent_ledger', (cutoff) => stores.consentLedger.deleteSupersededBefore(cutoff)),
    new TableRetentionTarget('review_cases', 'review_cases', (cutoff) => stores.reviewCases.deleteDecidedBefore(cutoff)),
    new TableRetentionTarget('drafts', 'content_drafts', async (cutoff) => {
      const { deleted, heldBack, journalEventsDeleted } = await stores.contentDrafts.deleteNeverApprovedUnchangedBefore(cutoff);
      return { deleted, heldBack, detail: { journalEvents: journalEventsDeleted } };
    }),
  ];
}

import type { EventLog } from '@kairos/event-log';
import type { RetentionSweepRepository, ReviewCaseRepository, SnapshotRetentionRepository } from '@kairos/persistence';
import { EventLogRetentionTarget } from './event-log-retention.target';
import type { RetentionTarget } from './retention-target';
import { SnapshotRetentionTarget } from './snapshot-retention.target';
import { TableRetentionTarget } from './table-retention.target';

export interface KairosRetentionStores {
  readonly log: EventLog;
  readonly sweep: RetentionSweepRepository;
  readonly snapshots: SnapshotRetentionRepository;
  readonly reviewCases: ReviewCaseRepository;
}

/**
 * The targets for the stores of the ingestion and decisioning core and the review cases, in a safe order:
 * snapshots first, so the event log keeps everything after the newest valid snapshot that survived.
 */
export function kairosRetentionTargets(stores: KairosRetentionStores): RetentionTarget[] {
  const snapshots = new SnapshotRetentionTarget(stores.snapshots);
  return [
    snapshots,
    new EventLogRetentionTarget(stores.log, snapshots),
    new TableRetentionTarget('parked_events', 'parked_events', (cutoff) => stores.sweep.deleteParkedEventsReceivedBefore(cutoff)),
    new TableRetentionTarget('event_index', 'event_index', (cutoff) => stores.sweep.deleteEventIndexReceivedBefore(cutoff)),
    new TableRetentionTarget('review_cases', 'review_cases', (cutoff) => stores.reviewCases.deleteDecidedBefore(cutoff)),
  ];
}

import type { EventLog } from '@kairos/event-log';
import type { RetentionTarget, RetentionTargetReport, RetentionWindow } from './retention-target';

/** Per partition, the offset of the newest snapshot state can be restored from. */
export interface RestorableSnapshots {
  newestValidOffsets(): Promise<ReadonlyMap<number, number>>;
}

/**
 * Raw events in the event log. Embedded: records past the window are deleted, except those a consumer group has not
 * committed and those after the newest valid snapshot of their partition (a partition without one keeps its whole
 * log: only a full replay could rebuild it). Kafka: the topics' `retention.ms` is set to the window and read back.
 */
export class EventLogRetentionTarget implements RetentionTarget {
  readonly category = 'raw_events' as const;

  constructor(
    private readonly log: EventLog,
    private readonly snapshots: RestorableSnapshots,
    readonly store: string = 'event-log',
  ) {}

  async enforce(window: RetentionWindow): Promise<RetentionTargetReport> {
    const newest = await this.snapshots.newestValidOffsets();
    const keepFrom = new Map<number, number>();
    for (let partition = 0; partition < this.log.partitionCount; partition++) {
      const offset = newest.get(partition);
      keepFrom.set(partition, offset === undefined ? 0 : offset + 1);
    }
    const report = await this.log.enforceRetention({ retentionMs: window.retentionMs, nowMs: window.nowMs, keepFrom });
    if (report.kind === 'purged') return { deleted: report.deleted, heldBack: report.heldBack };
    const detail: Record<string, number | string> = {};
    for (const topic of report.topics) detail[`retention.ms:${topic.topic}`] = topic.retentionMs;
    return { deleted: 0, detail };
  }
}

import type Database from 'better-sqlite3';

/** Rows deleted per transaction: small enough that appends queued meanwhile wait milliseconds, not seconds. */
const CHUNK = 5_000;

/**
 * How far a partition's ingestion stamps may run out of offset order. `receivedAtMs` is stamped just before the
 * append and offsets are assigned at commit, so within a partition they disagree by milliseconds; an hour is a wide
 * margin. A purge walks a partition in offset order only up to the first record received this long after the
 * cutoff, instead of reading every younger record of the partition on every run.
 */
export const RECEIVED_ORDER_SKEW_MS = 60 * 60 * 1000;

export interface PurgeOutcome {
  readonly deleted: number;
  readonly heldBack: number;
}

/**
 * Retention of the embedded log. A record goes when it was received before the cutoff AND every consumer group has
 * committed past it (a commit follows a durable snapshot, so the state it fed is safe) AND the caller's `keepFrom`
 * is past it. A group that never committed a partition holds all of it; a log that no group ever consumed keeps
 * everything. Runs chunk by chunk, yielding between chunks so the writer's group commits go on.
 */
export class LogPurge {
  private readonly groupsOnDisk: Database.Statement;
  private readonly committed: Database.Statement;
  private readonly firstYoung: Database.Statement;
  private readonly oldChunk: Database.Statement;
  private readonly deleteRange: Database.Statement;
  private readonly raiseFloor: Database.Statement;
  private readonly countHeld: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly partitionCount: number) {
    this.groupsOnDisk = db.prepare('SELECT DISTINCT group_id FROM consumer_offsets').pluck();
    this.committed = db.prepare('SELECT next_offset FROM consumer_offsets WHERE group_id = ? AND partition = ?').pluck();
    this.firstYoung = db.prepare('SELECT offset FROM events WHERE partition = ? AND received_at >= ? ORDER BY offset LIMIT 1').pluck();
    this.oldChunk = db.prepare('SELECT offset FROM events WHERE partition = ? AND offset < ? AND received_at < ? ORDER BY offset LIMIT ?').pluck();
    this.deleteRange = db.prepare('DELETE FROM events WHERE partition = ? AND offset >= ? AND offset <= ? AND received_at < ?');
    this.raiseFloor = db.prepare(
      'INSERT INTO partition_floors (partition, head_floor) VALUES (?, ?) ON CONFLICT (partition) DO UPDATE SET head_floor = MAX(head_floor, excluded.head_floor)',
    );
    this.countHeld = db.prepare('SELECT COUNT(*) FROM events WHERE partition = ? AND offset >= ? AND offset < ? AND received_at < ?').pluck();
  }

  async run(cutoffMs: number, liveGroups: readonly string[], keepFrom: ReadonlyMap<number, number>): Promise<PurgeOutcome> {
    const groups = new Set<string>([...liveGroups, ...(this.groupsOnDisk.all() as string[])]);
    let deleted = 0;
    let heldBack = 0;
    for (let partition = 0; partition < this.partitionCount; partition++) {
      const floor = Math.min(keepFrom.get(partition) ?? Number.MAX_SAFE_INTEGER, this.groupFloor(groups, partition));
      const young = this.firstYoung.get(partition, cutoffMs + RECEIVED_ORDER_SKEW_MS) as number | undefined;
      const walkEnd = young ?? Number.MAX_SAFE_INTEGER;
      const bound = Math.min(floor, walkEnd);
      for (;;) {
        const offsets = this.oldChunk.all(partition, bound, cutoffMs, CHUNK) as number[];
        if (offsets.length === 0) break;
        const first = offsets[0];
        const last = offsets[offsets.length - 1];
        deleted += this.db.transaction(() => {
          const { changes } = this.deleteRange.run(partition, first, last, cutoffMs);
          this.raiseFloor.run(partition, last + 1);
          return changes;
        })();
        // Appends queued while this chunk ran are committed before the next one.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (floor < walkEnd) heldBack += this.countHeld.get(partition, floor, walkEnd, cutoffMs) as number;
    }
    return { deleted, heldBack };
  }

  /** The lowest committed position over every known group; 0 (keep all) when any group has none or no group exists. */
  private groupFloor(groups: ReadonlySet<string>, partition: number): number {
    if (groups.size === 0) return 0;
    let floor = Number.MAX_SAFE_INTEGER;
    for (const group of groups) {
      const next = this.committed.get(group, partition) as number | undefined;
      floor = Math.min(floor, next ?? 0);
    }
    return floor;
  }
}

import { createHash } from 'node:crypto';
import type { SnapshotRetentionRepository, StoredSnapshotHeader } from '@kairos/persistence';
import type { RetentionTarget, RetentionTargetReport, RetentionWindow } from './retention-target';

/**
 * Old partition snapshots. The newest VALID snapshot of a partition (its bytes match its checksum) is kept whatever
 * its age: it is the state the partition restarts from, and the log before it may already be gone.
 */
export class SnapshotRetentionTarget implements RetentionTarget {
  readonly category = 'snapshots' as const;
  readonly store = 'partition_snapshots';

  constructor(private readonly snapshots: SnapshotRetentionRepository) {}

  async enforce(window: RetentionWindow): Promise<RetentionTargetReport> {
    const byPartition = groupByPartition(await this.snapshots.headers());
    let deleted = 0;
    let heldBack = 0;
    for (const [partition, headers] of byPartition) {
      const keep = await this.newestValidIn(headers);
      for (const header of headers) {
        if (header.createdAtMs >= window.cutoffMs) continue;
        if (header.offset === keep) {
          heldBack++;
          continue;
        }
        await this.snapshots.delete(partition, header.offset);
        deleted++;
      }
    }
    return { deleted, heldBack, detail: { partitions: byPartition.size } };
  }

  /** Per partition, the offset of its newest snapshot whose bytes match their checksum. */
  async newestValidOffsets(): Promise<ReadonlyMap<number, number>> {
    const newest = new Map<number, number>();
    for (const [partition, headers] of groupByPartition(await this.snapshots.headers())) {
      const offset = await this.newestValidIn(headers);
      if (offset !== null) newest.set(partition, offset);
    }
    return newest;
  }

  private async newestValidIn(newestFirst: readonly StoredSnapshotHeader[]): Promise<number | null> {
    for (const header of newestFirst) {
      const data = await this.snapshots.data(header.partition, header.offset);
      if (data && createHash('sha256').update(data).digest('hex') === header.checksum) return header.offset;
    }
    return null;
  }
}

function groupByPartition(headers: readonly StoredSnapshotHeader[]): Map<number, StoredSnapshotHeader[]> {
  const byPartition = new Map<number, StoredSnapshotHeader[]>();
  for (const header of headers) {
    const list = byPartition.get(header.partition) ?? [];
    list.push(header);
    byPartition.set(header.partition, list);
  }
  for (const list of byPartition.values()) list.sort((a, b) => b.offset - a.offset);
  return byPartition;
}

import { DataSource, Repository } from 'typeorm';
import type { PartitionSnapshotRow } from '../entities/kairos-tables.entity';

export interface StoredSnapshot {
  readonly partition: number;
  readonly offset: number;
  readonly createdAtMs: number;
  readonly checksum: string;
  readonly data: Uint8Array;
}

/**
 * Snapshots of partition state, each stored in one row together with the log offset it covers, so state and
 * offset are written atomically. The newest few are kept: a corrupt newest one falls back to the one before.
 */
export class PartitionSnapshotRepository {
  private readonly rows: Repository<PartitionSnapshotRow>;

  constructor(dataSource: DataSource, private readonly keep = 3) {
    this.rows = dataSource.getRepository<PartitionSnapshotRow>('PartitionSnapshot');
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    await this.rows.manager.transaction(async (manager) => {
      await manager.upsert('PartitionSnapshot', { ...snapshot, data: Buffer.from(snapshot.data) }, ['partition', 'offset']);
      const stale = await manager.find<PartitionSnapshotRow>('PartitionSnapshot', {
        select: { partition: true, offset: true },
        where: { partition: snapshot.partition },
        order: { offset: 'DESC' },
        skip: this.keep,
      });
      for (const row of stale) await manager.delete('PartitionSnapshot', { partition: row.partition, offset: row.offset });
    });
  }

  /** The partition's snapshots, newest first. */
  async newestFirst(partition: number): Promise<StoredSnapshot[]> {
    const rows = await this.rows.find({ where: { partition }, order: { offset: 'DESC' }, take: this.keep });
    return rows.map((row) => ({ ...row, data: new Uint8Array(row.data) }));
  }

  /** Test and repair hook: overwrites a stored snapshot's bytes (used by the corruption tests, R2). */
  async overwriteData(partition: number, offset: number, data: Uint8Array): Promise<void> {
    await this.rows.update({ partition, offset }, { data: Buffer.from(data) });
  }
}

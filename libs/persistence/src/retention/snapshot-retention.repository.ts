import { DataSource, Repository } from 'typeorm';
import type { PartitionSnapshotRow } from '../entities/kairos-tables.entity';

/** A stored snapshot without its bytes. */
export interface StoredSnapshotHeader {
  readonly partition: number;
  readonly offset: number;
  readonly createdAtMs: number;
  readonly checksum: string;
}

/**
 * What retention needs of the partition snapshots: headers to judge age, bytes one at a time to judge validity
 * (a snapshot can be large), and deletion of single snapshots.
 */
export class SnapshotRetentionRepository {
  private readonly rows: Repository<PartitionSnapshotRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<PartitionSnapshotRow>('PartitionSnapshot');
  }

  /** Every snapshot's header, per partition newest first. */
  async headers(): Promise<StoredSnapshotHeader[]> {
    return this.rows.find({
      select: { partition: true, offset: true, createdAtMs: true, checksum: true },
      order: { partition: 'ASC', offset: 'DESC' },
    });
  }

  async data(partition: number, offset: number): Promise<Uint8Array | null> {
    const row = await this.rows.findOne({ select: { partition: true, offset: true, data: true }, where: { partition, offset } });
    return row ? new Uint8Array(row.data) : null;
  }

  async delete(partition: number, offset: number): Promise<void> {
    await this.rows.delete({ partition, offset });
  }
}

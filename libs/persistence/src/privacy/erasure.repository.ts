import { DataSource, In, LessThan, Not, IsNull } from 'typeorm';
import type { EventIndexRow, IdentityLinkRow, ParkedEventRow, PartitionSnapshotRow } from '../entities/kairos-tables.entity';
import type { IdentifierRef } from '../repositories/identity.repository';
import { erasedPagesLeaveNoTrace, shredFreedPages } from './key-shredding.repository';
import type { ErasureTombstoneRow } from './privacy-tables.entity';

/** An erasure as recorded: the tombstone with its progress. */
export interface ErasureRecord {
  readonly customerId: string;
  readonly requestId: string;
  readonly erasedAtMs: number;
  readonly completedAtMs: number | null;
  /** The receipt JSON so far (or final, once completed). */
  readonly receipt: string | null;
}

/**
 * What Art. 17 erasure deletes outside the event log, and the erasure's own progress. Lives in the privacy area
 * so the identity, event-index and snapshot repositories stay as they are; each delete is idempotent, so a retry
 * after a crash repeats it harmlessly.
 */
export class ErasureRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(customerId: string): Promise<ErasureRecord | null> {
    return this.dataSource.getRepository<ErasureTombstoneRow>('ErasureTombstone').findOne({ where: { customerId } });
  }

  /** Erasures begun and not completed (a crash or a worker that had not caught up): to be resumed. */
  async incomplete(limit = 100): Promise<ErasureRecord[]> {
    return this.dataSource.getRepository<ErasureTombstoneRow>('ErasureTombstone').find({ where: { completedAtMs: IsNull() }, order: { erasedAtMs: 'ASC' }, take: limit });
  }

  async saveProgress(customerId: string, receipt: string, completedAtMs: number | null): Promise<void> {
    await this.dataSource.getRepository<ErasureTombstoneRow>('ErasureTombstone').update({ customerId }, { receipt, completedAtMs });
  }

  async linkedIdentifiers(customerId: string): Promise<IdentifierRef[]> {
    const rows = await this.dataSource.getRepository<IdentityLinkRow>('IdentityLink').find({ where: { customerId } });
    return rows.map((row) => ({ kind: row.kind as IdentifierRef['kind'], value: row.value }));
  }

  async deleteIdentityLinks(customerId: string): Promise<number> {
    const result = await this.dataSource.getRepository<IdentityLinkRow>('IdentityLink').delete({ customerId });
    return result.affected ?? 0;
  }

  /** Parked events waiting for these identifiers (they were linked to the erased customer). */
  async deleteParkedEvents(refs: readonly IdentifierRef[]): Promise<number> {
    let deleted = 0;
    for (const ref of refs) {
      const result = await this.dataSource.getRepository<ParkedEventRow>('ParkedEvent').delete({ identifierKind: ref.kind, identifierValue: ref.value });
      deleted += result.affected ?? 0;
    }
    return deleted;
  }

  /** The customer's rows of the event-id index, except `keep` (the erasure event, so a retried append stays a duplicate). */
  async deleteEventIndex(customerId: string, keep: readonly string[]): Promise<number> {
    const result = await this.dataSource
      .getRepository<EventIndexRow>('EventIndex')
      .delete(keep.length > 0 ? { customerId, eventId: Not(In([...keep])) } : { customerId });
    return result.affected ?? 0;
  }

  /** Deletes the partition's snapshots taken before `offset`: the ones that may still hold an erased profile. */
  async deleteSnapshotsBefore(partition: number, offset: number): Promise<number> {
    await shredFreedPages(this.dataSource);
    const result = await this.dataSource.getRepository<PartitionSnapshotRow>('PartitionSnapshot').delete({ partition, offset: LessThan(offset) });
    await erasedPagesLeaveNoTrace(this.dataSource);
    return result.affected ?? 0;
  }

  /** Offsets of the partition's stored snapshots, oldest first. */
  async snapshotOffsets(partition: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository<PartitionSnapshotRow>('PartitionSnapshot')
      .find({ select: { partition: true, offset: true }, where: { partition }, order: { offset: 'ASC' } });
    return rows.map((row) => row.offset);
  }
}

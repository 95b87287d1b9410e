import { DataSource, EntityManager, In, LessThan, Not } from 'typeorm';
import type { ClusterMemberRow, ClusterPartitionClaimRow, ClusterPartitionHandoverRow } from './cluster-tables.entity';

/** A process of the deployment as the directory knows it. */
export interface ClusterMember {
  readonly processId: string;
  readonly baseUrl: string;
  readonly startedAtMs: number;
}

/** How far a process has applied a partition it owns. */
export interface PartitionProgressReport {
  readonly partition: number;
  readonly appliedOffset: number;
}

export interface ClusterClaim {
  readonly partition: number;
  readonly processId: string;
  readonly epoch: number;
  readonly appliedOffset: number;
}

/** Everything the directory holds, read at one moment (the tables stay small: processes × partitions). */
export interface ClusterView {
  readonly members: readonly (ClusterMember & { readonly heartbeatAtMs: number })[];
  readonly claims: readonly ClusterClaim[];
  /** Per partition, the highest applied offset any owner reported (-1 = none). */
  readonly handoverOffsets: ReadonlyMap<number, number>;
}

const MEMBER = 'ClusterMember';
const CLAIM = 'ClusterPartitionClaim';
const HANDOVER = 'ClusterPartitionHandover';

/**
 * The partition directory of a distributed deployment: which process owns which partition, where it answers, and
 * the applied offset each handover must reach before the new owner serves. Every write of one process happens in
 * one transaction, so a release (floor raised, claim dropped) is seen whole or not at all.
 */
export class ClusterDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Heartbeat: records the member as alive, keeps a claim on every partition in `owned` under its epoch in `epochs`
   * (re-inserting one that expired during a long pause; a partition without a known epoch gets a fresh one), drops
   * its claims on any other partition, and raises the handover floor of each partition in `progressed`. Resolves
   * with the epoch of each claim. A handful of statements whatever the partition count, so it stays cheap at 1/s.
   */
  async heartbeat(member: ClusterMember, nowMs: number, owned: readonly PartitionProgressReport[], epochs: ReadonlyMap<number, number> = new Map(), progressed: readonly PartitionProgressReport[] = owned): Promise<Map<number, number>> {
    return this.dataSource.transaction(async (manager) => {
      await manager.upsert<ClusterMemberRow>(MEMBER, { ...member, heartbeatAtMs: nowMs }, ['processId']);
      const stale = owned.length > 0 ? { processId: member.processId, partition: Not(In(owned.map((o) => o.partition))) } : { processId: member.processId };
      await manager.delete<ClusterPartitionClaimRow>(CLAIM, stale);
      await this.raiseFloors(manager, progressed, nowMs);
      const current = new Map((await manager.find<ClusterPartitionClaimRow>(CLAIM, { where: { processId: member.processId } })).map((c) => [c.partition, c.epoch]));
      const result = new Map<number, number>();
      const rows: ClusterPartitionClaimRow[] = [];
      for (const { partition, appliedOffset } of owned) {
        const epoch = epochs.get(partition) ?? current.get(partition) ?? (await this.nextEpoch(manager, partition, nowMs));
        rows.push({ partition, processId: member.processId, epoch, appliedOffset, claimedAtMs: nowMs });
        result.set(partition, epoch);
      }
      if (rows.length > 0) await manager.upsert<ClusterPartitionClaimRow>(CLAIM, rows, ['partition', 'processId']);
      return result;
    });
  }

  /**
   * Newly assigned partitions: each gets a fresh epoch (higher than every earlier owner's), so requests are routed
   * here from now on. Resolves with the epoch of each.
   */
  async claim(member: ClusterMember, nowMs: number, assigned: readonly PartitionProgressReport[]): Promise<Map<number, number>> {
    return this.dataSource.transaction(async (manager) => {
      await manager.upsert<ClusterMemberRow>(MEMBER, { ...member, heartbeatAtMs: nowMs }, ['processId']);
      await this.raiseFloors(manager, assigned, nowMs);
      const epochs = new Map<number, number>();
      for (const { partition, appliedOffset } of assigned) {
        const epoch = await this.nextEpoch(manager, partition, nowMs);
        await manager.upsert<ClusterPartitionClaimRow>(CLAIM, { partition, processId: member.processId, epoch, appliedOffset, claimedAtMs: nowMs }, ['partition', 'processId']);
        epochs.set(partition, epoch);
      }
      return epochs;
    });
  }

  /** Revoked partitions: the final applied offsets become the handover floor and the claims go, atomically. */
  async release(processId: string, nowMs: number, released: readonly PartitionProgressReport[]): Promise<void> {
    if (released.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await this.raiseFloors(manager, released, nowMs);
      await manager.delete<ClusterPartitionClaimRow>(CLAIM, { processId, partition: In(released.map((r) => r.partition)) });
    });
  }

  /** A process stops: its member row and any claim left. */
  async leave(processId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete<ClusterPartitionClaimRow>(CLAIM, { processId });
      await manager.delete<ClusterMemberRow>(MEMBER, { processId });
    });
  }

  /** Removes members silent since before `cutoffMs` and their claims (they come back with their next heartbeat). */
  async expire(cutoffMs: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const dead = await manager.find<ClusterMemberRow>(MEMBER, { select: { processId: true }, where: { heartbeatAtMs: LessThan(cutoffMs) } });
      if (dead.length === 0) return 0;
      const ids = dead.map((row) => row.processId);
      await manager.delete<ClusterPartitionClaimRow>(CLAIM, { processId: In(ids) });
      await manager.delete<ClusterMemberRow>(MEMBER, { processId: In(ids) });
      return ids.length;
    });
  }

  async view(): Promise<ClusterView> {
    return this.dataSource.transaction(async (manager) => {
      const members = await manager.find<ClusterMemberRow>(MEMBER);
      const claims = await manager.find<ClusterPartitionClaimRow>(CLAIM);
      const handovers = await manager.find<ClusterPartitionHandoverRow>(HANDOVER);
      return {
        members: members.map(({ processId, baseUrl, startedAtMs, heartbeatAtMs }) => ({ processId, baseUrl, startedAtMs, heartbeatAtMs })),
        claims: claims.map(({ partition, processId, epoch, appliedOffset }) => ({ partition, processId, epoch, appliedOffset })),
        handoverOffsets: new Map(handovers.map((row) => [row.partition, row.handoverOffset])),
      };
    });
  }

  /** Raises each partition's handover floor to the reported offset where that is higher, in one statement. */
  private async raiseFloors(manager: EntityManager, reports: readonly PartitionProgressReport[], nowMs: number): Promise<void> {
    if (reports.length === 0) return;
    const table = manager.connection.getMetadata(HANDOVER).tablePath.split('.').map((part) => `"${part}"`).join('.');
    const postgres = manager.connection.options.type === 'postgres';
    const placeholders = reports.map((_, i) => (postgres ? `($${i * 3 + 1}, 0, $${i * 3 + 2}, $${i * 3 + 3})` : '(?, 0, ?, ?)')).join(', ');
    const higher = postgres ? 'GREATEST(t.handover_offset, EXCLUDED.handover_offset)' : 'MAX(t.handover_offset, excluded.handover_offset)';
    await manager.query(
      `INSERT INTO ${table} AS t (partition, epoch, handover_offset, updated_at_ms) VALUES ${placeholders}
       ON CONFLICT (partition) DO UPDATE SET handover_offset = ${higher}, updated_at_ms = EXCLUDED.updated_at_ms`,
      reports.flatMap((r) => [r.partition, r.appliedOffset, nowMs]),
    );
  }

  /** Hands out the partition's next epoch; the row update serializes concurrent claimers on PostgreSQL. */
  private async nextEpoch(manager: EntityManager, partition: number, nowMs: number): Promise<number> {
    await manager.createQueryBuilder().insert().into(HANDOVER).values({ partition, epoch: 0, handoverOffset: -1, updatedAtMs: nowMs }).orIgnore().execute();
    await manager.createQueryBuilder().update(HANDOVER).set({ epoch: () => 'epoch + 1' }).where('partition = :partition', { partition }).execute();
    const row = await manager.findOneOrFail<ClusterPartitionHandoverRow>(HANDOVER, { where: { partition } });
    return row.epoch;
  }
}

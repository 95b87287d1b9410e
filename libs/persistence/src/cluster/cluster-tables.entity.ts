import { EntitySchema } from 'typeorm';
import { Dialect, int64Column } from '../dialect';

/** A worker process of a distributed deployment and where it answers; live while its heartbeat is recent. */
export interface ClusterMemberRow {
  processId: string;
  baseUrl: string;
  startedAtMs: number;
  heartbeatAtMs: number;
}

/**
 * A process's claim to own a partition. During a handover two claims may exist for a while: requests are routed to
 * the one with the highest epoch, and that one serves only once the other is gone (released or expired).
 */
export interface ClusterPartitionClaimRow {
  partition: number;
  processId: string;
  epoch: number;
  appliedOffset: number;
  claimedAtMs: number;
}

/**
 * Per partition: the last epoch handed out, and the highest offset any owner reported as applied (the handover
 * floor). A new owner serves only from state at or past this floor (R3).
 */
export interface ClusterPartitionHandoverRow {
  partition: number;
  epoch: number;
  handoverOffset: number;
  updatedAtMs: number;
}

/** Tables of the cluster area: partition ownership of worker processes. */
export function clusterEntities(dialect: Dialect): EntitySchema[] {
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ClusterMemberRow>({
      name: 'ClusterMember',
      tableName: 'cluster_members',
      columns: {
        processId: { name: 'process_id', type: 'varchar', length: 64, primary: true },
        baseUrl: { name: 'base_url', type: 'varchar', length: 300 },
        startedAtMs: { name: 'started_at_ms', ...int64 },
        heartbeatAtMs: { name: 'heartbeat_at_ms', ...int64 },
      },
    }),
    new EntitySchema<ClusterPartitionClaimRow>({
      name: 'ClusterPartitionClaim',
      tableName: 'cluster_partition_claims',
      columns: {
        partition: { type: 'integer', primary: true },
        processId: { name: 'process_id', type: 'varchar', length: 64, primary: true },
        epoch: { ...int64 },
        appliedOffset: { name: 'applied_offset', ...int64 },
        claimedAtMs: { name: 'claimed_at_ms', ...int64 },
      },
      indices: [{ name: 'cluster_partition_claims_process', columns: ['processId'] }],
    }),
    new EntitySchema<ClusterPartitionHandoverRow>({
      name: 'ClusterPartitionHandover',
      tableName: 'cluster_partition_handovers',
      columns: {
        partition: { type: 'integer', primary: true },
        epoch: { ...int64 },
        handoverOffset: { name: 'handover_offset', ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
    }),
  ];
}

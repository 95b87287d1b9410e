// Repositories of the cluster area (partition ownership of worker processes).
export * from './cluster-directory.repository';
export type { ClusterMemberRow, ClusterPartitionClaimRow, ClusterPartitionHandoverRow } from './cluster-tables.entity';

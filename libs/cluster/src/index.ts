// The public face of @kairos/cluster. Partition ownership across worker processes and forwarding of requests to the partition owner.
export * from './partition-directory';
export { EmbeddedDirectory } from './embedded-directory';
export { DistributedDirectory, type DistributedDirectoryOptions } from './distributed-directory';
export { trackOwnership } from './ownership-tracking';
export * from './owner-forwarder';
export { OwnerRouting } from './owner-routing';
export { OwnerBound, OwnerRoutingInterceptor, type CustomerLocator } from './owner-bound.interceptor';
export { notPartitionOwner, OWNER_RETRY_AFTER_SECONDS } from './not-partition-owner';
export { openCluster, type Cluster, type ClusterOptions } from './open-cluster';

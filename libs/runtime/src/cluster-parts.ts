import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Cluster, OwnerRoutingInterceptor, PartitionProgressSource, openCluster } from '@kairos/cluster';
import { KairosConfig, isEmbeddedLog } from '@kairos/config';
import { registerRateLimit } from '@kairos/http-edge';
import type { Logger } from '@kairos/observability';
import { ClusterDirectoryRepository } from '@kairos/persistence';
import type { DataSource } from 'typeorm';

/**
 * The cluster part of a process: in the embedded mode one process owns every partition (nothing is forwarded); with
 * Kafka, ownership follows the consumer group and is published in the shared database so any process can forward a
 * customer's request to the owner of the customer's partition.
 */
export function openClusterParts(options: {
  config: KairosConfig;
  database: DataSource;
  logger: Logger;
  /** The partition worker (its applied offsets gate serving after a handover, R3). */
  worker?: PartitionProgressSource;
  /** Test hooks: faster heartbeats. */
  heartbeatMs?: number;
  processId?: string;
}): Cluster {
  const { config, database, logger } = options;
  return openCluster({
    mode: isEmbeddedLog(config) ? 'embedded' : 'distributed',
    partitionCount: config.partitions,
    logger: logger.child({ component: 'cluster' }),
    repository: new ClusterDirectoryRepository(database),
    progress: options.worker,
    processId: options.processId,
    heartbeatMs: options.heartbeatMs,
    forwardTimeoutMs: config.forwardTimeoutMs,
  });
}

/**
 * The HTTP edge of the cluster part, for createHttpApp (before listen): the per-API-key rate limit (P4) on every
 * request with credentials, and forwarding of @OwnerBound routes to the partition owner.
 */
export function mountClusterEdge(app: NestFastifyApplication, config: KairosConfig, cluster: Cluster): void {
  registerRateLimit(app.getHttpAdapter().getInstance(), { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst });
  app.useGlobalInterceptors(new OwnerRoutingInterceptor(cluster.routing));
}

/** The URL other processes forward to: the configured one, or the address the server listens on. */
export function advertisedUrlOf(config: KairosConfig, listeningBaseUrl: string): string {
  return config.advertisedUrl ?? listeningBaseUrl;
}

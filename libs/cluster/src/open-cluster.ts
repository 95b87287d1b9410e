import type { PartitionConsumerHandler } from '@kairos/event-log';
import type { Logger } from '@kairos/observability';
import type { ClusterDirectoryRepository } from '@kairos/persistence';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DistributedDirectory } from './distributed-directory';
import { EmbeddedDirectory } from './embedded-directory';
import { HttpOwnerForwarder } from './owner-forwarder';
import { OwnerRouting } from './owner-routing';
import { trackOwnership } from './ownership-tracking';
import type { PartitionDirectory, PartitionProgressSource } from './partition-directory';

export interface ClusterOptions {
  /** Embedded: this process owns every partition. Distributed: ownership follows the consumer group. */
  readonly mode: 'embedded' | 'distributed';
  readonly partitionCount: number;
  readonly logger: Logger;
  /** The shared directory tables (distributed mode). */
  readonly repository?: ClusterDirectoryRepository;
  /** The partition worker, for applied offsets (distributed mode, processes that own partitions). */
  readonly progress?: PartitionProgressSource;
  readonly processId?: string;
  readonly heartbeatMs?: number;
  readonly memberTtlMs?: number;
  readonly forwardTimeoutMs?: number;
  readonly servableWaitMs?: number;
}

/** Partition ownership of this process and the way to the owner of any other partition. */
export interface Cluster {
  readonly directory: PartitionDirectory;
  /** Implements the OwnerForwarder port of @kairos/decisioning-service. */
  readonly forwarder: HttpOwnerForwarder;
  readonly routing: OwnerRouting;
  /** The consumer handler to give the event log instead of the worker itself, so the directory follows the group. */
  handlerFor(worker: PartitionConsumerHandler): PartitionConsumerHandler;
  /** Joins under the URL other processes reach this one at (after the HTTP server listens). */
  start(advertisedUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export function openCluster(options: ClusterOptions): Cluster {
  const processId = options.processId ?? `${hostname().slice(0, 32)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const logger = options.logger;
  if (options.mode === 'embedded') {
    const directory = new EmbeddedDirectory(processId, options.partitionCount);
    const forwarder = new HttpOwnerForwarder(directory, logger, options.forwardTimeoutMs);
    return {
      directory,
      forwarder,
      routing: new OwnerRouting(directory, forwarder, options.servableWaitMs),
      handlerFor: (worker) => worker,
      start: async () => undefined,
      stop: async () => undefined,
    };
  }
  if (!options.repository) throw new Error('the distributed mode needs the cluster directory repository');
  const directory = new DistributedDirectory({
    repository: options.repository,
    processId,
    partitionCount: options.partitionCount,
    progress: options.progress,
    logger,
    heartbeatMs: options.heartbeatMs,
    memberTtlMs: options.memberTtlMs,
  });
  const forwarder = new HttpOwnerForwarder(directory, logger, options.forwardTimeoutMs);
  return {
    directory,
    forwarder,
    routing: new OwnerRouting(directory, forwarder, options.servableWaitMs),
    handlerFor: (worker) => trackOwnership(worker, directory),
    start: (advertisedUrl) => directory.start(advertisedUrl),
    stop: () => directory.stop(),
  };
}

import { KairosMetrics, createLogger } from '@kairos/observability';
import type { PartitionSnapshotRepository, StoredSnapshot } from '@kairos/persistence';
import { defaultFeatureRegistry } from '@kairos/profile';
import { PartitionWorker, type PartitionWorkerOptions } from '../partition-worker';

/** A partition worker for unit tests: default registry, snapshots kept in the returned array, silent logs. */
export function inMemoryWorker(options: Partial<PartitionWorkerOptions> = {}): { worker: PartitionWorker; saved: StoredSnapshot[] } {
  const saved: StoredSnapshot[] = [];
  const snapshots = { newestFirst: async () => [...saved].reverse(), save: async (s: StoredSnapshot) => void saved.push(s) } as unknown as PartitionSnapshotRepository;
  const worker = new PartitionWorker({
    registry: defaultFeatureRegistry(),
    snapshots,
    metrics: new KairosMetrics({ collectProcessMetrics: false }),
    logger: createLogger({ level: 'silent' }),
    snapshotEveryEvents: 1_000,
    snapshotEveryMs: 60_000,
    ...options,
  });
  return { worker, saved };
}

import type { LoggedEvent } from '@kairos/contracts';
import type { PartitionConsumerHandler } from '@kairos/event-log';
import type { DistributedDirectory } from './distributed-directory';

/**
 * Wraps the partition worker's consumer handler so the directory follows the consumer group: a partition is claimed
 * once its state is restored, and released — no longer servable here — before the worker drops its state.
 */
export function trackOwnership(worker: PartitionConsumerHandler, directory: DistributedDirectory): PartitionConsumerHandler {
  return {
    async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>> {
      const starts = await worker.onAssigned(partitions);
      await directory.assigned(partitions);
      return starts;
    },
    async onRevoked(partitions: readonly number[]): Promise<void> {
      await directory.revoking(partitions);
      await worker.onRevoked(partitions);
    },
    onRecords(partition: number, records: readonly LoggedEvent[]): Promise<void> {
      return worker.onRecords(partition, records);
    },
  };
}

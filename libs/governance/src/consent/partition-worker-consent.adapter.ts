import type { ConsentState } from '@kairos/consent';
import { KairosError, partitionForCustomer } from '@kairos/contracts';
import type { PartitionWorker } from '@kairos/customer-state';
import { consentState, profileOf } from '@kairos/profile';
import type { AppliedOffsetWaiter, ConsentStateReader } from './consent-ports';

interface Waiter {
  readonly offset: number;
  readonly resolve: (applied: boolean) => void;
}

/**
 * `AppliedOffsetWaiter` over the in-process PartitionWorker: resolves from the worker's applied listener, which
 * runs right after a batch is folded, so a waiter wakes in the same turn the change becomes readable.
 */
export class PartitionWorkerAppliedOffsets implements AppliedOffsetWaiter {
  private readonly waiting = new Map<number, Set<Waiter>>();

  constructor(private readonly worker: PartitionWorker) {
    // Settled, not just folded: whoever waits (a consent's 200, a decision's read-your-writes) sees the batch's triggers too.
    worker.onSettled((partition, settledOffset) => this.wake(partition, settledOffset));
  }

  waitUntilApplied(partition: number, offset: number, timeoutMs: number): Promise<boolean> {
    if (this.worker.appliedAt(partition, offset) !== false) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiters = this.waiting.get(partition) ?? new Set<Waiter>();
      this.waiting.set(partition, waiters);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const waiter: Waiter = {
        offset,
        resolve: (applied) => {
          clearTimeout(timer);
          resolve(applied);
        },
      };
      waiters.add(waiter);
    });
  }

  private wake(partition: number, appliedOffset: number): void {
    const waiters = this.waiting.get(partition);
    if (!waiters) return;
    for (const waiter of waiters) {
      if (waiter.offset > appliedOffset) continue;
      waiters.delete(waiter);
      waiter.resolve(true);
    }
  }
}

/** `ConsentStateReader` over the in-process PartitionWorker's profile stores. */
export class PartitionWorkerConsentStates implements ConsentStateReader {
  constructor(
    private readonly worker: PartitionWorker,
    private readonly partitionCount: number,
  ) {}

  consentStateOf(customerId: string): ConsentState | undefined {
    const partition = partitionForCustomer(customerId, this.partitionCount);
    const store = this.worker.store(partition);
    if (!store) throw new KairosError('NOT_PARTITION_OWNER', `partition ${partition} is not served by this process right now; retry shortly`, [], 1);
    const profile = profileOf(store, customerId);
    return profile === undefined ? undefined : consentState(profile);
  }
}

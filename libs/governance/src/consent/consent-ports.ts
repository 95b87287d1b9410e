import type { ConsentState } from '@kairos/consent';

/**
 * Waits until the worker that owns a partition has applied an offset: the moment a consent change is in force
 * for the next decision. Bound by the runtime: in-process to the PartitionWorker (`PartitionWorkerAppliedOffsets`),
 * in distributed mode to whatever reaches the owner.
 */
export interface AppliedOffsetWaiter {
  /** True once `offset` of `partition` is applied; false if that did not happen within `timeoutMs`. */
  waitUntilApplied(partition: number, offset: number, timeoutMs: number): Promise<boolean>;
}

/**
 * Reads a customer's consent state from the owning worker's profile store. Undefined: the owner holds no profile
 * of the customer (never seen, or erased). Throws KairosError NOT_PARTITION_OWNER when this process does not own
 * the customer's partition.
 */
export interface ConsentStateReader {
  consentStateOf(customerId: string): ConsentState | undefined;
}

/** Whether a customer was erased (Art. 17). Implemented by the privacy module; optional for the consent module. */
export interface ErasedCustomers {
  isErased(customerId: string): Promise<boolean>;
}

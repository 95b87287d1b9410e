import { partitionForCustomer } from '@kairos/contracts';
import { notPartitionOwner } from './not-partition-owner';
import type { ForwardableRequest, ForwardedAnswer, HttpOwnerForwarder } from './owner-forwarder';
import type { PartitionDirectory } from './partition-directory';

/**
 * Decides where a customer-bound request is served: here, once this process owns the customer's partition and its
 * state has caught up with the handover, or at the owner, whose answer is relayed. Any route bound to one customer
 * uses it (through the OwnerBound interceptor, or directly).
 */
export class OwnerRouting {
  constructor(
    readonly directory: PartitionDirectory,
    readonly forwarder: Pick<HttpOwnerForwarder, 'forward'>,
    /** How long a request waits for a partition being handed over here before answering 503 (ms). */
    private readonly servableWaitMs = 2_000,
  ) {}

  partitionOf(customerId: string): number {
    return partitionForCustomer(customerId, this.directory.partitionCount);
  }

  /** 'local' when this process serves the request; otherwise the owner's relayed answer. */
  async resolve(customerId: string, request: ForwardableRequest): Promise<'local' | ForwardedAnswer> {
    const partition = this.partitionOf(customerId);
    if (this.directory.owns(partition)) {
      if (await this.directory.awaitServable(partition, this.servableWaitMs)) return 'local';
      // Revoked while waiting: the new owner may already serve it.
      if (this.directory.owns(partition)) throw notPartitionOwner('this customer is being handed over between processes; retry');
    }
    return this.forwarder.forward(partition, request);
  }
}

import { KairosError, partitionForCustomer } from '@kairos/contracts';
import { ProfileView, profileOf, profileView } from '@kairos/profile';
import type { PartitionWorker } from './partition-worker';

/** Reads a customer's profile from the partition this process owns. */
export class ProfileQueryService {
  constructor(
    private readonly worker: PartitionWorker,
    private readonly partitionCount: number,
    private readonly clock: () => number = Date.now,
  ) {}

  profile(customerId: string): ProfileView {
    const partition = partitionForCustomer(customerId, this.partitionCount);
    const store = this.worker.store(partition);
    if (!store) {
      throw new KairosError('NOT_PARTITION_OWNER', `partition ${partition} is not served by this process right now; retry shortly`, [], 1);
    }
    const state = profileOf(store, customerId);
    if (!state) throw new KairosError('NOT_FOUND', 'no profile for this customer id');
    return profileView(state, store.registry, this.clock());
  }
}

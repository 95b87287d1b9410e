import type { DormantCustomersOutcome } from '@kairos/customer-state';
import type { RetentionTarget, RetentionTargetReport, RetentionWindow } from './retention-target';

/** The partition worker of this process (PartitionWorker.forgetDormantCustomers). */
export interface DormantCustomerForgetting {
  forgetDormantCustomers(lastEventBeforeMs: number): Promise<DormantCustomersOutcome>;
}

/**
 * Profiles of dormant customers (no event since the cutoff), in the partitions this process owns: the worker forgets
 * them inside its serialized processing of each partition and snapshots without them. Every process that owns
 * partitions runs the job, so each partition is aged by its owner. Held back: dormant profiles that carry a
 * withdrawal, refusal or objection still in force.
 */
export class DormantProfileRetentionTarget implements RetentionTarget {
  readonly category = 'profiles' as const;
  readonly store = 'partition-profiles';

  constructor(private readonly worker: DormantCustomerForgetting) {}

  async enforce(window: RetentionWindow): Promise<RetentionTargetReport> {
    const outcome = await this.worker.forgetDormantCustomers(window.cutoffMs);
    return { deleted: outcome.forgotten, heldBack: outcome.heldForConsent, detail: { partitions: outcome.partitions } };
  }
}

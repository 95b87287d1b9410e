import { may } from '@kairos/consent';
import { type ProfileState, consentState } from '@kairos/profile';
import { segmentsOf } from '@kairos/scoring';
import type { ScoringServiceOptions } from '../scoring-options';

export interface PopulationMember {
  readonly customerId: string;
  readonly state: ProfileState;
  readonly ageBand: string;
}

export interface PopulationCount {
  /** Customers on the owned partitions. */
  customers: number;
  /** Not scored: a purpose of the model is not allowed for them (consent, objection, erasure). */
  notAllowed: number;
}

/**
 * The customers of the partitions this process owns whose consent state allows every purpose (checked
 * synchronously on the partition's consent state, the same `may` the consent gate applies): batch scoring and
 * monitoring never compute a score for a customer who objected (G2). Stops after `limit` customers.
 */
export function* allowedPopulation(options: ScoringServiceOptions, purposes: readonly string[], nowMs: number, count: PopulationCount, limit = Number.POSITIVE_INFINITY): Generator<PopulationMember> {
  let yielded = 0;
  for (const partition of options.profiles.ownedPartitions()) {
    const store = options.profiles.store(partition);
    if (!store) continue;
    for (let slot = 0; slot < store.size; slot++) {
      if (yielded >= limit) return;
      const state: ProfileState = { customerId: store.customerIdAt(slot), store, slot };
      count.customers++;
      const consent = consentState(state);
      if (!purposes.every((purpose) => may(consent, purpose, null, nowMs, options.purposes.policy).allowed)) {
        count.notAllowed++;
        continue;
      }
      yielded++;
      yield { customerId: state.customerId, state, ageBand: segmentsOf(state, nowMs).ageBand };
    }
  }
}

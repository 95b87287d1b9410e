import { CustomerEvent, KairosError } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import type { FeatureRegistry } from '../features/feature-registry';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { foldEvent } from './profile-fold';

/**
 * One customer's profile: a handle on its slot in a `PartitionProfileStore`. The state itself lives in the
 * store's typed arrays; a handle is cheap and can be created per request.
 */
export interface ProfileState {
  readonly customerId: string;
  readonly store: PartitionProfileStore;
  readonly slot: number;
}

/** The profile of `store`'s customer, or undefined if no event of theirs was applied. */
export function profileOf(store: PartitionProfileStore, customerId: string): ProfileState | undefined {
  const slot = store.slotOf(customerId);
  return slot < 0 ? undefined : { customerId, store, slot };
}

/** An empty profile in a store of its own (tests, tools, single-customer replays; workers use a partition store). */
export function initialProfile(customerId: string, registry: FeatureRegistry = defaultFeatureRegistry()): ProfileState {
  const store = new PartitionProfileStore({ partition: 0, registry, expectedCustomers: 1 });
  return { customerId, store, slot: store.ensureSlot(customerId) };
}

/**
 * The decider's `evolve`. For speed it updates the profile IN PLACE and returns the same handle: the caller owns
 * the state and must not expect an earlier handle to keep the old value (copy with `copyProfile` first if it
 * needs one). The result depends only on the state and the event, never on the clock or on other customers.
 * An event with the id of one of the customer's last few events is a redelivery and leaves the state unchanged.
 * `customer_erased` forgets everything: the result is a new handle on an empty profile (the initial state).
 */
export function evolveProfile(state: ProfileState, event: CustomerEvent, registry: FeatureRegistry): ProfileState {
  if (registry !== state.store.registry && registry.fingerprint !== state.store.registry.fingerprint) {
    throw new KairosError('INTERNAL', 'profile was built with a different feature registry');
  }
  if (event.customerId !== state.customerId) throw new KairosError('INTERNAL', 'event belongs to another customer');
  if (event.type === 'customer_erased') {
    state.store.forget(state.customerId);
    return { customerId: state.customerId, store: state.store, slot: state.store.ensureSlot(state.customerId) };
  }
  foldEvent(state.store, state.slot, event, -1);
  return state;
}

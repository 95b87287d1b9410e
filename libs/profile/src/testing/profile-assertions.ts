import type { FeatureValue } from '../features/feature-definition';
import type { FeatureRegistry } from '../features/feature-registry';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { F_LAST_EVENT_AT } from '../store/profile-rows';

/**
 * Every feature of every customer of `store` at each of `times`, keyed `customer/feature@time`: the derived
 * values two stores must agree on beyond their stored state.
 */
export function featureMatrix(store: PartitionProfileStore, registry: FeatureRegistry, times: readonly number[]): Record<string, FeatureValue> {
  const out: Record<string, FeatureValue> = {};
  for (const customerId of store.customerIds().sort()) {
    const state = { customerId, store, slot: store.slotOf(customerId) };
    for (const atMs of times) {
      for (const [name, value] of Object.entries(registry.readAll(state, atMs))) out[`${customerId}/${name}@${atMs}`] = value;
    }
  }
  return out;
}

/** The newest occurredAt in `store` (reads are exact from here on), or `fallback` when empty. */
export function newestEventAt(store: PartitionProfileStore, fallback: number): number {
  let newest = fallback;
  for (let slot = 0; slot < store.size; slot++) {
    const at = store.rows.f64At(slot, F_LAST_EVENT_AT);
    if (at > newest) newest = at;
  }
  return newest;
}

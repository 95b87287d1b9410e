import { createHash } from 'node:crypto';
import type { ConsentState } from '@kairos/consent';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { F_RECENT_IDS, F_SCALARS, I_REFS, RECENT_EVENT_IDS } from '../store/profile-rows';
import { ProfileAttributes, profileAttributes } from './profile-attributes';
import { consentState } from './profile-consent';
import type { ProfileState } from './profile-state';

/**
 * A profile's complete stored state as plain data: attributes, every scalar cell, every bucket and every tracked
 * distinct value, with interned strings resolved. Two profiles are the same state exactly when their records are
 * deep-equal, which is what replay and snapshot tests compare.
 */
export interface ProfileRecord {
  readonly customerId: string;
  readonly attributes: ProfileAttributes;
  readonly consent: ConsentState;
  /** Hashes of the last event ids, in ring order (null = empty). */
  readonly recentEventIds: readonly (number | null)[];
  readonly scalars: readonly (number | string | null)[];
  /** Per series group, its entries `[bucket, ...cells]` oldest first. */
  readonly series: readonly (readonly (readonly (number | null)[])[])[];
  /** Per value set, `[value, lastSeenMs]` sorted by value. */
  readonly sets: readonly (readonly [string, number])[][];
}

export interface StoreRecord {
  readonly partition: number;
  readonly lastAppliedOffset: number;
  /** Sorted by customer id. */
  readonly customers: readonly ProfileRecord[];
}

export function exportProfile(state: ProfileState): ProfileRecord {
  const { store, slot } = state;
  const layout = store.registry.layout;
  const rows = store.rows;
  const scalars: (number | string | null)[] = [];
  for (let cell = 0; cell < layout.scalarWidth; cell++) scalars.push(orNull(rows.f64At(slot, F_SCALARS + cell)));
  for (const feature of store.registry.compiled) {
    if (feature.kind !== 'event' || feature.storage.kind !== 'scalar' || feature.valueKind !== 'string') continue;
    const id = scalars[feature.storage.cell];
    if (typeof id === 'number') scalars[feature.storage.cell] = store.strings.valueOf(id);
  }
  const series = layout.groups.map((group) =>
    store.series[group.index].entries(rows.i32At(slot, I_REFS + group.index)).map((entry) => entry.map(orNull)),
  );
  const sets = layout.sets.map((set) =>
    store.sets[set.index]
      .entries(rows.i32At(slot, rows.setRefs + set.index))
      .map(([id, seenAt]): [string, number] => [store.strings.valueOf(id), seenAt])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const recentEventIds = Array.from({ length: RECENT_EVENT_IDS }, (_, k) => orNull(rows.f64At(slot, F_RECENT_IDS + k)));
  return { customerId: state.customerId, attributes: profileAttributes(state), consent: consentState(state), recentEventIds, scalars, series, sets };
}

export function exportStore(store: PartitionProfileStore): StoreRecord {
  const customers = store
    .customerIds()
    .sort()
    .map((customerId) => exportProfile({ customerId, store, slot: store.slotOf(customerId) }));
  return { partition: store.partition, lastAppliedOffset: store.lastAppliedOffset, customers };
}

function orNull(value: number): number | null {
  return value === value ? value : null;
}

/** SHA-256 (hex) of `exportStore`: compares a worker's state with a reference fold of the same log (D1). */
export function storeDigest(store: PartitionProfileStore): string {
  return createHash('sha256').update(JSON.stringify(exportStore(store))).digest('hex');
}

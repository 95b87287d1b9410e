import type { CompiledFeature } from '../features/feature-layout';
import { SUM_SCALE } from '../features/feature-layout';
import { bucketOf } from '../features/feature-window';
import { readFeature } from '../profile/feature-reader';
import type { ProfileState } from '../profile/profile-state';
import { NO_BLOCK } from './block-arena';
import type { PartitionProfileStore } from './partition-profile-store';
import { I_REFS } from './profile-rows';

/** A windowed count, sum, min or max kept in one cell of one series group, filled into `column`. */
interface SeriesRead {
  readonly group: number;
  readonly column: Float64Array;
  readonly cell: number;
  readonly lo: number;
  readonly hi: number;
  readonly op: 'count' | 'sum' | 'max' | 'min';
  readonly boolean: boolean;
}

/**
 * Numeric feature values of many customers of one store as of `atMs`, one column per name (batch scoring of a
 * segment): `columns[f][r]` is feature `names[f]` of the customer in slot `slots[r]` — exactly what
 * `registry.read` returns, as a number: booleans 0/1, timestamps epoch ms, absent values NaN. A name the registry
 * does not know, or whose values are not numbers (strings, sets), gets `null` (read those one by one).
 * Windowed aggregates walk each customer's bucket list once per event type for all the features it feeds, instead
 * of once per feature, and nothing allocates per customer.
 */
export function readFeatureColumns(store: PartitionProfileStore, names: readonly string[], atMs: number, slots: ArrayLike<number>): (Float64Array | null)[] {
  const byName = new Map(store.registry.compiled.map((feature) => [feature.name, feature]));
  // Reads of one series group as of one bucket, walked together.
  const byGroup = new Map<string, SeriesRead[]>();
  const columns = names.map((name) => {
    const feature = byName.get(name);
    if (!feature || !numeric(feature)) return null;
    const column = new Float64Array(slots.length);
    const read = seriesRead(feature, column, atMs);
    if (read) {
      const key = `${read.group}:${read.hi}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), read]);
      return column;
    }
    const state: { -readonly [K in keyof ProfileState]: ProfileState[K] } = { customerId: '', store, slot: 0 };
    for (let r = 0; r < slots.length; r++) {
      state.slot = slots[r];
      const value = readFeature(state, feature, atMs);
      column[r] = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : NaN;
    }
    return column;
  });
  for (const reads of byGroup.values()) readGroup(store, reads[0].group, reads[0].hi, reads, slots);
  return columns;
}

function numeric(feature: CompiledFeature): boolean {
  const type = feature.definition.type;
  return type === 'number' || type === 'boolean' || type === 'timestamp';
}

/** How to fill `column` from one series cell, or undefined for features read one by one (several source types). */
function seriesRead(feature: CompiledFeature, column: Float64Array, atMs: number): SeriesRead | undefined {
  if (feature.kind !== 'event' || feature.storage.kind !== 'series' || feature.storage.parts.length !== 1 || feature.window.kind !== 'sliding') return undefined;
  const op = feature.aggregation;
  if (op !== 'count' && op !== 'sum' && op !== 'max' && op !== 'min') return undefined;
  const hi = bucketOf(atMs, feature.window.bucketMs);
  const { group, cell } = feature.storage.parts[0];
  return { group, column, cell, lo: hi - feature.window.buckets + 1, hi, op, boolean: feature.definition.type === 'boolean' };
}

/**
 * One pass over each customer's bucket list of `group`, newest bucket first, for every read of that group (they
 * share `hi`). Reads are sorted longest window first, so those still covering a bucket are always a prefix.
 */
function readGroup(store: PartitionProfileStore, group: number, hi: number, unsorted: readonly SeriesRead[], slots: ArrayLike<number>): void {
  const reads = [...unsorted].sort((a, b) => a.lo - b.lo);
  const refs = store.rows.i32;
  const refsWidth = store.rows.i32Width;
  const series = store.series[group];
  const arena = series.arena;
  const width = series.width;
  const n = reads.length;
  const cells = Int32Array.from(reads, (read) => read.cell);
  const los = Float64Array.from(reads, (read) => read.lo);
  const extreme = Int8Array.from(reads, (read) => (read.op === 'max' ? -1 : read.op === 'min' ? 1 : 0));
  const acc = new Float64Array(n);
  for (let r = 0; r < slots.length; r++) {
    for (let k = 0; k < n; k++) acc[k] = extreme[k] === 0 ? 0 : NaN;
    const ref = refs[slots[r] * refsWidth + I_REFS + group];
    if (ref !== NO_BLOCK) {
      arena.locate(ref);
      const chunk = arena.chunk;
      const base = arena.base;
      for (let index = chunk[base] - 1; index >= 0; index--) {
        const entry = base + 1 + index * width;
        const bucket = chunk[entry];
        if (bucket > hi) continue;
        if (bucket < los[0]) break;
        for (let k = 0; k < n && los[k] <= bucket; k++) {
          const value = chunk[entry + cells[k]];
          const sign = extreme[k];
          if (sign === 0) acc[k] += value;
          else if (value === value && (acc[k] !== acc[k] || (value - acc[k]) * sign < 0)) acc[k] = value;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      const read = reads[k];
      const value = acc[k];
      read.column[r] = read.op === 'sum' ? value / SUM_SCALE : read.op === 'count' && read.boolean ? (value > 0 ? 1 : 0) : value;
    }
  }
}

import { AttributeFeatureDefinition, FeatureValue } from '../features/feature-definition';
import { CompiledEventFeature, CompiledFeature, OP_COUNT, OP_MAX, OP_SUM, SUM_SCALE } from '../features/feature-layout';
import { bucketOf } from '../features/feature-window';
import { F_SCALARS, I_COUNTRY, I_LANGUAGE, I_REFS, I_TIME_ZONE, NO_STRING } from '../store/profile-rows';
import { age } from './customer-age';
import { holdsProduct, isCardLocked, productOpenedAt } from './profile-attributes';
import type { ProfileState } from './profile-state';

/**
 * A feature's value as of `atMs`. A sliding window of n buckets covers the bucket holding `atMs` and the n-1
 * before it; events in later buckets are not counted. Values are exact for any `atMs` at or after the
 * customer's newest event — the times decisions are made at; for earlier `atMs`, buckets already dropped as
 * older than the longest window are missing. Lifetime aggregates cover every event folded, whatever `atMs`.
 */
export function readFeature(state: ProfileState, feature: CompiledFeature, atMs: number): FeatureValue {
  if (feature.kind === 'attribute') return readAttribute(state, feature.definition, atMs);
  switch (feature.storage.kind) {
    case 'scalar':
      return readScalar(state, feature, feature.storage, atMs);
    case 'series':
      return readSeries(state, feature, feature.storage.parts, atMs);
    case 'set':
      return readSet(state, feature, feature.storage.set, atMs);
  }
}

function readScalar(state: ProfileState, feature: CompiledEventFeature, storage: { cell: number; timeOffset: number }, atMs: number): FeatureValue {
  const scalars = state.store.rows.f64;
  const base = state.slot * state.store.rows.f64Width + F_SCALARS + storage.cell;
  const value = scalars[base];
  switch (feature.aggregation) {
    case 'count':
      return feature.definition.type === 'boolean' ? value > 0 : value;
    case 'sum':
      return value / SUM_SCALE;
    case 'last':
    case 'first': {
      const at = scalars[base + storage.timeOffset];
      if (at !== at) return null;
      if (feature.window.kind === 'sliding') {
        const hi = bucketOf(atMs, feature.window.bucketMs);
        const bucket = bucketOf(at, feature.window.bucketMs);
        if (bucket > hi || bucket <= hi - feature.window.buckets) return null;
      }
      return decode(state, feature, value);
    }
    default:
      return value === value ? value : null;
  }
}

function readSeries(state: ProfileState, feature: CompiledEventFeature, parts: readonly { group: number; cell: number }[], atMs: number): FeatureValue {
  if (feature.window.kind !== 'sliding') throw new Error('series feature without a sliding window');
  const { store, slot } = state;
  const refs = slot * store.rows.i32Width + I_REFS;
  const hi = bucketOf(atMs, feature.window.bucketMs);
  const lo = hi - feature.window.buckets + 1;
  const code = feature.aggregation === 'count' ? OP_COUNT : feature.aggregation === 'sum' ? OP_SUM : feature.aggregation === 'max' ? OP_MAX : -1;
  let result = code === OP_COUNT || code === OP_SUM ? 0 : NaN;
  for (const part of parts) {
    const ref = store.rows.i32[refs + part.group];
    const series = store.series[part.group];
    if (code === OP_COUNT || code === OP_SUM) {
      result += series.sum(ref, part.cell, lo, hi);
    } else {
      const value = series.extreme(ref, part.cell, lo, hi, code === OP_MAX ? -1 : 1);
      if (value === value && (result !== result || (code === OP_MAX ? value > result : value < result))) result = value;
    }
  }
  if (code === OP_COUNT) return feature.definition.type === 'boolean' ? result > 0 : result;
  if (code === OP_SUM) return result / SUM_SCALE;
  return result === result ? result : null;
}

function readSet(state: ProfileState, feature: CompiledEventFeature, setIndex: number, atMs: number): FeatureValue {
  const { store, slot } = state;
  const ref = store.rows.i32At(slot, store.rows.setRefs + setIndex);
  let fromMs = -Infinity;
  let toMs = Infinity;
  if (feature.window.kind === 'sliding') {
    const { bucketMs, buckets } = feature.window;
    const hi = bucketOf(atMs, bucketMs);
    fromMs = (hi - buckets + 1) * bucketMs;
    toMs = (hi + 1) * bucketMs - 1;
  }
  const set = store.sets[setIndex];
  if (feature.aggregation === 'distinct_count') return set.count(ref, fromMs, toMs);
  return set
    .values(ref, fromMs, toMs)
    .map((id) => store.strings.valueOf(id))
    .sort();
}

function decode(state: ProfileState, feature: CompiledEventFeature, value: number): FeatureValue {
  switch (feature.valueKind) {
    case 'string':
      return state.store.strings.valueOf(value);
    case 'boolean':
      return value === 1;
    default:
      return value;
  }
}

function readAttribute(state: ProfileState, definition: AttributeFeatureDefinition, atMs: number): FeatureValue {
  const rows = state.store.rows;
  switch (definition.attribute) {
    case 'age':
      return age(state, atMs);
    case 'card_locked':
      return isCardLocked(state);
    case 'holds_product':
      return holdsProduct(state, definition.product as NonNullable<AttributeFeatureDefinition['product']>);
    case 'product_opened_at':
      return productOpenedAt(state, definition.product as NonNullable<AttributeFeatureDefinition['product']>);
    case 'country':
      return interned(state, rows.i32At(state.slot, I_COUNTRY));
    case 'language':
      return interned(state, rows.i32At(state.slot, I_LANGUAGE));
    case 'time_zone':
      return interned(state, rows.i32At(state.slot, I_TIME_ZONE));
  }
}

function interned(state: ProfileState, id: number): string | null {
  return id === NO_STRING ? null : state.store.strings.valueOf(id);
}

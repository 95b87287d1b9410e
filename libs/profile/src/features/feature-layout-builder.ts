import { EVENT_TYPES, EventType } from '@kairos/contracts';
import { compileValueReader } from './event-field';
import { AttributeFeatureDefinition } from './feature-definition';
import {
  CompiledFeature,
  EventTypePlan,
  FeatureOp,
  FeatureStorage,
  OP_COUNT,
  OP_DISTINCT,
  OP_FIRST,
  OP_LAST,
  OP_MAX,
  OP_MIN,
  OP_SUM,
  ProfileLayout,
  SeriesGroupLayout,
  SetLayout,
} from './feature-layout';
import { ValidatedEventFeature } from './feature-validation';

const OP_CODES = { count: OP_COUNT, sum: OP_SUM, min: OP_MIN, max: OP_MAX, last: OP_LAST, first: OP_FIRST, distinct_count: OP_DISTINCT, distinct: OP_DISTINCT } as const;

interface MutableGroup {
  readonly eventType: EventType;
  readonly bucketMs: number;
  retainBuckets: number;
  readonly identities: number[];
  readonly ops: FeatureOp[];
}

/**
 * Assigns storage: lifetime aggregates and last/first get cells in the dense per-customer scalar row; windowed
 * count/sum/min/max get a cell in the bucket series of each source type (features on the same type and bucket
 * size share one series, so a card transaction touches one list however many card features exist); distinct
 * aggregations get a value set each.
 */
export function buildFeatureLayout(features: readonly (ValidatedEventFeature | AttributeFeatureDefinition)[]): {
  layout: ProfileLayout;
  compiled: CompiledFeature[];
} {
  const scalarIdentities: number[] = [];
  const groups: MutableGroup[] = [];
  const groupIndex = new Map<string, number>();
  const sets: SetLayout[] = [];
  const scalarOps = new Map<EventType, FeatureOp[]>();
  const setOps = new Map<EventType, FeatureOp[]>();
  const compiled: CompiledFeature[] = [];

  for (const feature of features) {
    if (!('window' in feature)) {
      compiled.push({ kind: 'attribute', name: feature.name, definition: feature });
      continue;
    }
    const { definition, window, filter, valuePath, valueKind } = feature;
    const code = OP_CODES[definition.aggregation];
    const read = valuePath === null ? null : compileValueReader(valuePath);
    const windowed = window.kind === 'sliding';
    // A timestamp that is the event's own occurredAt needs no second cell for its time.
    const timeOffset = valuePath === 'occurredAt' ? 0 : 1;
    const opFor = (target: number): FeatureOp => ({ code, filter, read, valueKind, windowed, target, timeOffset });
    let storage: FeatureStorage;

    if (code === OP_DISTINCT) {
      const set = sets.length;
      sets.push({ index: set, bucketMs: windowed ? window.bucketMs : 0, buckets: windowed ? window.buckets : 0, maxEntries: feature.maxDistinct });
      for (const source of definition.sources) push(setOps, source, opFor(set));
      storage = { kind: 'set', set };
    } else if (!windowed || code === OP_LAST || code === OP_FIRST) {
      const cell = scalarIdentities.length;
      if (code === OP_LAST || code === OP_FIRST) scalarIdentities.push(...new Array<number>(1 + timeOffset).fill(NaN));
      else scalarIdentities.push(code === OP_MIN || code === OP_MAX ? NaN : 0);
      for (const source of definition.sources) push(scalarOps, source, opFor(cell));
      storage = { kind: 'scalar', cell, timeOffset };
    } else {
      const parts: { group: number; cell: number }[] = [];
      for (const source of definition.sources) {
        const key = `${source}/${window.bucketMs}`;
        let index = groupIndex.get(key);
        if (index === undefined) {
          index = groups.length;
          groupIndex.set(key, index);
          groups.push({ eventType: source, bucketMs: window.bucketMs, retainBuckets: 0, identities: [], ops: [] });
        }
        const group = groups[index];
        group.retainBuckets = Math.max(group.retainBuckets, window.buckets);
        group.identities.push(code === OP_MIN || code === OP_MAX ? NaN : 0);
        const cell = group.identities.length;
        group.ops.push(opFor(cell));
        parts.push({ group: index, cell });
      }
      storage = { kind: 'series', parts };
    }
    compiled.push({ kind: 'event', name: definition.name, definition, aggregation: definition.aggregation, window, valueKind, storage });
  }

  const frozenGroups: SeriesGroupLayout[] = groups.map((group, index) => ({ index, ...group }));
  const plans = {} as Record<EventType, EventTypePlan>;
  for (const type of EVENT_TYPES) {
    plans[type] = {
      scalarOps: scalarOps.get(type) ?? [],
      groups: frozenGroups.filter((group) => group.eventType === type),
      setOps: setOps.get(type) ?? [],
    };
  }
  const layout: ProfileLayout = {
    scalarWidth: scalarIdentities.length,
    scalarIdentities,
    groups: frozenGroups,
    sets,
    plans,
    maxGroupOps: Math.max(0, ...groups.map((group) => group.ops.length)),
  };
  return { layout, compiled };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

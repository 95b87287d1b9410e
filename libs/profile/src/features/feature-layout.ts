import type { EventType } from '@kairos/contracts';
import type { EventValueReader } from './event-field';
import type { AttributeFeatureDefinition, EventFeatureDefinition, FeatureAggregation } from './feature-definition';
import type { EventPredicate } from './feature-filter';
import type { FeatureWindow } from './feature-window';

/**
 * A registry compiled into storage: which cells of the per-customer rows each feature owns and which
 * operations an event of each type performs. Computed once per registry; the fold only walks these arrays.
 */
export const OP_COUNT = 0;
export const OP_SUM = 1;
export const OP_MIN = 2;
export const OP_MAX = 3;
export const OP_LAST = 4;
export const OP_FIRST = 5;
export const OP_DISTINCT = 6;

/** Sums are kept in hundredths as integers so they are exact and independent of the order events arrive in. */
export const SUM_SCALE = 100;

/** How a value is held in a Float64 cell: strings as interned ids, booleans as 0/1, timestamps as epoch ms. */
export type ValueKind = 'none' | 'number' | 'string' | 'boolean' | 'timestamp';

export type FeatureStorage =
  /**
   * count/sum/min/max over the lifetime use one cell; last/first use the value cell and the cell `timeOffset`
   * after it for the value's occurredAt (0 when the value is occurredAt itself).
   */
  | { readonly kind: 'scalar'; readonly cell: number; readonly timeOffset: number }
  /** One part per source event type: a cell of that type's bucket series. */
  | { readonly kind: 'series'; readonly parts: readonly { readonly group: number; readonly cell: number }[] }
  | { readonly kind: 'set'; readonly set: number };

export interface CompiledEventFeature {
  readonly kind: 'event';
  readonly name: string;
  readonly definition: EventFeatureDefinition;
  readonly aggregation: FeatureAggregation;
  readonly window: FeatureWindow;
  readonly valueKind: ValueKind;
  readonly storage: FeatureStorage;
}

export interface CompiledAttributeFeature {
  readonly kind: 'attribute';
  readonly name: string;
  readonly definition: AttributeFeatureDefinition;
}

export type CompiledFeature = CompiledEventFeature | CompiledAttributeFeature;

/** What one event type does to one feature. */
export interface FeatureOp {
  readonly code: number;
  readonly filter: EventPredicate | null;
  readonly read: EventValueReader | null;
  readonly valueKind: ValueKind;
  /** Sliding-window operations skip events later than the lateness tolerance. */
  readonly windowed: boolean;
  /** Scalar cell, cell within the series entry, or set index. */
  readonly target: number;
  /** last/first: where the value's time is, relative to `target`. */
  readonly timeOffset: number;
}

export interface SeriesGroupLayout {
  readonly index: number;
  readonly eventType: EventType;
  readonly bucketMs: number;
  /** The longest window fed by this group, in buckets: older buckets are dropped. */
  readonly retainBuckets: number;
  readonly identities: readonly number[];
  readonly ops: readonly FeatureOp[];
}

export interface SetLayout {
  readonly index: number;
  /** 0 for a lifetime set. */
  readonly bucketMs: number;
  readonly buckets: number;
  readonly maxEntries: number;
}

export interface EventTypePlan {
  readonly scalarOps: readonly FeatureOp[];
  readonly groups: readonly SeriesGroupLayout[];
  readonly setOps: readonly FeatureOp[];
}

export interface ProfileLayout {
  readonly scalarWidth: number;
  readonly scalarIdentities: readonly number[];
  readonly groups: readonly SeriesGroupLayout[];
  readonly sets: readonly SetLayout[];
  readonly plans: Readonly<Record<EventType, EventTypePlan>>;
  /** The most operations any one series group performs per event (sizes the fold's scratch buffers). */
  readonly maxGroupOps: number;
}

import type { EventType, ProductKind } from '@kairos/contracts';

export const FEATURE_TYPES = ['number', 'boolean', 'string', 'timestamp', 'string-set'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

/** `distinct` collects the values themselves (a `string-set`); `distinct_count` only counts them. */
export const FEATURE_AGGREGATIONS = ['count', 'sum', 'min', 'max', 'last', 'first', 'distinct_count', 'distinct'] as const;
export type FeatureAggregation = (typeof FEATURE_AGGREGATIONS)[number];

/** The purposes of the record of processing; a decision may only use a feature for a purpose it is declared for. */
export const FEATURE_PURPOSES = ['marketing', 'profiling', 'ai_personalization', 'analytics', 'service', 'risk'] as const;
export type FeaturePurpose = (typeof FEATURE_PURPOSES)[number];

export const PERSONAL_DATA_CLASSES = ['none', 'pseudonymous', 'personal', 'sensitive'] as const;
export type PersonalDataClass = (typeof PERSONAL_DATA_CLASSES)[number];

interface FeatureDefinitionBase {
  /** snake_case, unique in a registry; rules, triggers and models refer to a feature by this name. */
  readonly name: string;
  readonly type: FeatureType;
  readonly description: string;
  readonly purposes: readonly FeaturePurpose[];
  readonly personalData: PersonalDataClass;
}

/** A feature aggregated from events. */
export interface EventFeatureDefinition extends FeatureDefinitionBase {
  readonly sources: readonly EventType[];
  /** A small predicate on the event, e.g. `data.product == 'credit_card' and data.amount > 0`. */
  readonly filter?: string;
  /** `data.<field>` or `occurredAt`; omitted for `count`, and for timestamp features it defaults to `occurredAt`. */
  readonly value?: string;
  readonly aggregation: FeatureAggregation;
  /** `<n>m`, `<n>h`, `<n>d` (sliding, bucketed by that unit) or `lifetime`. */
  readonly window: string;
  /** Bound on the values a `distinct`/`distinct_count` feature tracks per customer (default 64); beyond it the most recent win. */
  readonly maxDistinct?: number;
}

/** Attributes the profile keeps outside the event aggregates, exposed as features so rules read one interface. */
export const PROFILE_ATTRIBUTES = ['age', 'card_locked', 'holds_product', 'product_opened_at', 'country', 'language', 'time_zone'] as const;
export type ProfileAttribute = (typeof PROFILE_ATTRIBUTES)[number];

/** A feature derived from the profile's attribute state (registration data, held products, cards). */
export interface AttributeFeatureDefinition extends FeatureDefinitionBase {
  readonly attribute: ProfileAttribute;
  /** Required by `holds_product` and `product_opened_at`. */
  readonly product?: ProductKind;
}

export type FeatureDefinition = EventFeatureDefinition | AttributeFeatureDefinition;

/** Feature values as rules see them: timestamps are epoch milliseconds, `string-set` is sorted. */
export type FeatureValue = number | boolean | string | readonly string[] | null;

export function isAttributeFeature(definition: FeatureDefinition): definition is AttributeFeatureDefinition {
  return (definition as AttributeFeatureDefinition).attribute !== undefined;
}

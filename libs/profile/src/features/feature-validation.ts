import { EVENT_TYPES, EventType, PRODUCT_KINDS, ValidationIssue, isEventType } from '@kairos/contracts';
import { EventFieldKind, resolveEventField } from './event-field';
import {
  AttributeFeatureDefinition,
  EventFeatureDefinition,
  FEATURE_AGGREGATIONS,
  FEATURE_PURPOSES,
  FEATURE_TYPES,
  FeatureDefinition,
  FeatureType,
  PERSONAL_DATA_CLASSES,
  PROFILE_ATTRIBUTES,
  ProfileAttribute,
  isAttributeFeature,
} from './feature-definition';
import { EventPredicate, compileFeatureFilter } from './feature-filter';
import { FeatureWindow, parseFeatureWindow } from './feature-window';
import { ValueKind } from './feature-layout';

export const DEFAULT_MAX_DISTINCT = 64;
const MAX_DISTINCT_LIMIT = 1024;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** An event feature whose definition checked out, with what its checks resolved. */
export interface ValidatedEventFeature {
  readonly definition: EventFeatureDefinition;
  readonly window: FeatureWindow;
  readonly filter: EventPredicate | null;
  /** The value path after defaults (`occurredAt` for timestamps), or null for `count`. */
  readonly valuePath: string | null;
  readonly valueKind: ValueKind;
  readonly maxDistinct: number;
}

const ATTRIBUTE_TYPES: Record<ProfileAttribute, FeatureType> = {
  age: 'number',
  card_locked: 'boolean',
  holds_product: 'boolean',
  product_opened_at: 'timestamp',
  country: 'string',
  language: 'string',
  time_zone: 'string',
};

/** Checks one definition; pushes every problem found (not just the first) so an author fixes them in one pass. */
export function validateFeatureDefinition(
  definition: FeatureDefinition,
  path: string,
  issues: ValidationIssue[],
): ValidatedEventFeature | AttributeFeatureDefinition | null {
  const before = issues.length;
  const problem = (field: string, rule: string, message: string) =>
    issues.push({ path: `${path}.${field}`, rule, message: `feature ${String(definition.name)}: ${message}` });

  if (typeof definition.name !== 'string' || !NAME.test(definition.name)) {
    problem('name', 'feature_name', 'name must be snake_case: a lowercase letter, then lowercase letters, digits or _ (at most 64)');
  }
  if (typeof definition.description !== 'string' || definition.description.trim() === '') {
    problem('description', 'required', 'description must say what the feature measures');
  }
  if (!includes(FEATURE_TYPES, definition.type)) problem('type', 'feature_type', `type must be one of ${FEATURE_TYPES.join(', ')}`);
  if (!Array.isArray(definition.purposes) || definition.purposes.length === 0) {
    problem('purposes', 'required', 'purposes must name at least one purpose the feature serves');
  } else {
    for (const purpose of definition.purposes) {
      if (!includes(FEATURE_PURPOSES, purpose)) problem('purposes', 'purpose', `unknown purpose ${String(purpose)}; use ${FEATURE_PURPOSES.join(', ')}`);
    }
  }
  if (!includes(PERSONAL_DATA_CLASSES, definition.personalData)) {
    problem('personalData', 'personal_data_class', `personalData must be one of ${PERSONAL_DATA_CLASSES.join(', ')}`);
  }

  if (isAttributeFeature(definition)) {
    validateAttributeFeature(definition, problem);
    return issues.length === before ? definition : null;
  }
  const validated = validateEventFeature(definition, problem);
  return issues.length === before ? validated : null;
}

type Problem = (field: string, rule: string, message: string) => void;

function validateAttributeFeature(definition: AttributeFeatureDefinition, problem: Problem): void {
  if (!includes(PROFILE_ATTRIBUTES, definition.attribute)) {
    problem('attribute', 'attribute', `unknown attribute ${String(definition.attribute)}; use ${PROFILE_ATTRIBUTES.join(', ')}`);
    return;
  }
  const needsProduct = definition.attribute === 'holds_product' || definition.attribute === 'product_opened_at';
  if (needsProduct && !includes(PRODUCT_KINDS, definition.product)) {
    problem('product', 'product', `attribute ${definition.attribute} needs a product, one of ${PRODUCT_KINDS.join(', ')}`);
  }
  if (!needsProduct && definition.product !== undefined) problem('product', 'product', `attribute ${definition.attribute} takes no product`);
  const expected = ATTRIBUTE_TYPES[definition.attribute];
  if (definition.type !== expected) problem('type', 'type_mismatch', `attribute ${definition.attribute} is a ${expected}, not a ${String(definition.type)}`);
}

function validateEventFeature(definition: EventFeatureDefinition, problem: Problem): ValidatedEventFeature | null {
  const sources = Array.isArray(definition.sources) ? definition.sources : [];
  if (sources.length === 0) problem('sources', 'required', 'sources must name at least one event type');
  const unknown = sources.filter((source) => !isEventType(source));
  for (const source of unknown) problem('sources', 'unknown_event_type', `unknown event type ${String(source)}; the catalog has ${EVENT_TYPES.join(', ')}`);
  if (new Set(sources).size !== sources.length) problem('sources', 'duplicate', 'sources lists an event type twice');
  const known = sources.filter(isEventType);

  const window = parseFeatureWindow(String(definition.window));
  if (typeof window === 'string') problem('window', 'window', `window ${String(definition.window)} ${window}`);

  const aggregation = definition.aggregation;
  if (!includes(FEATURE_AGGREGATIONS, aggregation)) {
    problem('aggregation', 'aggregation', `aggregation must be one of ${FEATURE_AGGREGATIONS.join(', ')}`);
    return null;
  }

  let filter: EventPredicate | null = null;
  if (definition.filter !== undefined) {
    const compiled = typeof definition.filter === 'string' ? compileFeatureFilter(definition.filter, known) : ['must be a string'];
    if (Array.isArray(compiled)) for (const reason of compiled) problem('filter', 'filter', `filter ${reason}`);
    else filter = compiled;
  }

  const isDistinct = aggregation === 'distinct' || aggregation === 'distinct_count';
  if (definition.maxDistinct !== undefined && (!isDistinct || !Number.isInteger(definition.maxDistinct) || definition.maxDistinct < 1 || definition.maxDistinct > MAX_DISTINCT_LIMIT)) {
    problem('maxDistinct', 'max_distinct', `maxDistinct applies to distinct aggregations only and must be an integer from 1 to ${MAX_DISTINCT_LIMIT}`);
  }
  if (aggregation === 'first' && typeof window !== 'string' && window.kind !== 'lifetime') {
    problem('window', 'window', `first needs a lifetime window: the first event inside a sliding window is not kept`);
  }

  const valuePath = defaultValuePath(definition);
  if (aggregation === 'count' && definition.value !== undefined) problem('value', 'value_path', 'count takes no value');
  if (aggregation !== 'count' && valuePath === null) problem('value', 'required', `${aggregation} needs a value such as data.amount`);

  const fieldKind = valuePath === null ? null : resolveValueKind(valuePath, known, problem);
  const valueKind = checkType(definition.type, aggregation, fieldKind, problem);
  if (typeof window === 'string' || valueKind === null) return null;
  return { definition, window, filter, valuePath, valueKind, maxDistinct: definition.maxDistinct ?? DEFAULT_MAX_DISTINCT };
}

function defaultValuePath(definition: EventFeatureDefinition): string | null {
  if (definition.value !== undefined) return String(definition.value);
  if (definition.aggregation === 'count') return null;
  return definition.type === 'timestamp' ? 'occurredAt' : null;
}

/** The field's kind, which must agree across all sources. */
function resolveValueKind(path: string, sources: readonly EventType[], problem: Problem): EventFieldKind | null {
  let kind: EventFieldKind | null = null;
  for (const source of sources) {
    const field = resolveEventField(source, path);
    if (typeof field === 'string') {
      problem('value', 'value_path', `value ${path}: ${field}`);
      return null;
    }
    if (kind !== null && kind !== field.kind) {
      problem('value', 'value_path', `value ${path} is a ${kind} in one source and a ${field.kind} in another`);
      return null;
    }
    kind = field.kind;
  }
  return kind;
}

/** Checks the declared type against the aggregation and the value's kind; returns how values are held. */
function checkType(type: FeatureType, aggregation: EventFeatureDefinition['aggregation'], field: EventFieldKind | null, problem: Problem): ValueKind | null {
  const gives = (expected: string): null => {
    problem('type', 'type_mismatch', `${aggregation}${field ? ` of a ${field} value` : ''} gives a ${expected}; type is ${String(type)}`);
    return null;
  };
  const needs = (kinds: string): null => {
    problem('type', 'type_mismatch', `${aggregation} needs ${kinds} value; this one is a ${String(field)}`);
    return null;
  };
  if (field === 'object') {
    problem('value', 'value_path', 'value must be a single field, not an object');
    return null;
  }
  switch (aggregation) {
    case 'count':
      return type === 'number' || type === 'boolean' ? 'none' : gives('number (or boolean: any event)');
    case 'sum':
      if (field !== null && field !== 'number') return needs('a number');
      return type === 'number' ? 'number' : gives('number');
    case 'min':
    case 'max':
      if (field === null) return null;
      if (field !== 'number' && field !== 'timestamp') return needs('a number or occurredAt');
      return type === (field === 'number' ? 'number' : 'timestamp') ? field : gives(field === 'number' ? 'number' : 'timestamp');
    case 'last':
    case 'first':
      if (field === null) return null;
      return type === field ? field : gives(field);
    case 'distinct_count':
    case 'distinct':
      if (field !== null && field !== 'string') return needs('a text or enumeration');
      if (aggregation === 'distinct') return type === 'string-set' ? 'string' : gives('string-set');
      return type === 'number' ? 'string' : gives('number');
  }
}

function includes<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

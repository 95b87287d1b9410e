import { CustomerEvent, EventType, eventDataSchemas } from '@kairos/contracts';

export type EventFieldKind = 'number' | 'string' | 'boolean' | 'object' | 'timestamp';

export interface EventField {
  readonly kind: EventFieldKind;
  /** Set when the schema restricts the field to an enumeration. */
  readonly enumValues?: readonly string[];
}

/**
 * Event fields that identify a person directly. Profiles never keep them (privacy and memory), so no feature may
 * read them — not even as a filter, which would make a feature a proxy for them.
 */
const DIRECT_IDENTIFIERS: Partial<Record<EventType, readonly string[]>> = {
  customer_registered: ['firstName', 'lastName', 'contact'],
};

interface ZodLike {
  readonly _zod: { readonly def: { readonly type: string; readonly innerType?: ZodLike } };
  readonly shape?: Record<string, ZodLike>;
  readonly options?: readonly unknown[];
}

/** Resolves `occurredAt` or `data.a.b` against the catalog schema of `type`; returns the field or why it is not one. */
export function resolveEventField(type: EventType, path: string): EventField | string {
  if (path === 'occurredAt') return { kind: 'timestamp' };
  const segments = path.split('.');
  if (segments[0] !== 'data' || segments.length < 2 || segments.some((s) => s === '')) {
    return `must be 'occurredAt' or a path into the event data such as data.amount`;
  }
  if (DIRECT_IDENTIFIERS[type]?.includes(segments[1])) {
    return `${type}.${path} identifies a person directly and is never kept in profiles`;
  }
  let schema = eventDataSchemas[type] as unknown as ZodLike;
  for (let i = 1; i < segments.length; i++) {
    schema = unwrapOptional(schema);
    const field = schema.shape ? (Object.prototype.hasOwnProperty.call(schema.shape, segments[i]) ? schema.shape[segments[i]] : undefined) : undefined;
    if (!field) return `${type} events have no field ${segments.slice(0, i + 1).join('.')}`;
    schema = field;
  }
  return describe(unwrapOptional(schema));
}

function unwrapOptional(schema: ZodLike): ZodLike {
  let current = schema;
  while ((current._zod.def.type === 'optional' || current._zod.def.type === 'nullable') && current._zod.def.innerType) {
    current = current._zod.def.innerType;
  }
  return current;
}

function describe(schema: ZodLike): EventField {
  switch (schema._zod.def.type) {
    case 'number':
    case 'int':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'string', enumValues: (schema.options ?? []).map(String) };
    case 'object':
      return { kind: 'object' };
    default:
      return { kind: 'string' };
  }
}

export type EventValueReader = (event: CustomerEvent) => unknown;

/** Compiles a resolved path into a reader; one- and two-level paths skip the generic walk since they are the norm. */
export function compileValueReader(path: string): EventValueReader {
  if (path === 'occurredAt') return (event) => event.occurredAtMs;
  const keys = path.split('.').slice(1);
  if (keys.length === 1) {
    const [key] = keys;
    return (event) => (event.data as Record<string, unknown>)[key];
  }
  return (event) => {
    let current: unknown = event.data;
    for (const key of keys) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

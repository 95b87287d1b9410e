import type { EventType } from '@kairos/contracts';

/**
 * Event fields that hold personal data, as dotted paths inside `data`. Ingestion seals each of them with the
 * customer's data key before the event reaches the log, the partition worker opens them for the profile fold, and
 * destroying the key (Art. 17 erasure) makes every stored copy — log, Kafka topic, backups — unreadable.
 * To protect a new field, add its path here; nothing else needs to change.
 */
export const PERSONAL_FIELDS: Readonly<Partial<Record<EventType, readonly string[]>>> = {
  customer_registered: ['firstName', 'lastName', 'contact.email', 'contact.phone', 'birthDate'],
};

export interface PersonalFieldPath {
  /** The dotted path inside `data`, e.g. `contact.email`; part of the associated data of the sealed value. */
  readonly path: string;
  readonly segments: readonly string[];
}

function compile(fields: Readonly<Partial<Record<string, readonly string[]>>>): ReadonlyMap<string, readonly PersonalFieldPath[]> {
  const compiled = new Map<string, readonly PersonalFieldPath[]>();
  for (const [type, paths] of Object.entries(fields)) {
    if (paths && paths.length > 0) compiled.set(type, paths.map((path) => ({ path, segments: path.split('.') })));
  }
  return compiled;
}

const COMPILED = compile(PERSONAL_FIELDS);

/** The personal fields of an event type, or undefined for the (vast) majority of types that have none: one map lookup. */
export function personalFieldsOf(type: string): readonly PersonalFieldPath[] | undefined {
  return COMPILED.get(type);
}

/** The value at `segments` inside `data`, or undefined. */
export function readField(data: unknown, segments: readonly string[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * A copy of `data` with the value at `segments` replaced (or removed when `value` is undefined; an object left
 * empty by the removal goes too, so a dropped `contact.email` leaves no `contact: {}` behind). Objects along the
 * path are copied, everything else is shared: the input, which may be a caller's object, is never mutated.
 */
export function withField(data: Readonly<Record<string, unknown>>, segments: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = segments;
  const copy: Record<string, unknown> = { ...data };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  if (child === null || typeof child !== 'object' || Array.isArray(child)) return copy;
  const replaced = withField(child as Record<string, unknown>, rest, value);
  if (value === undefined && Object.keys(replaced).length === 0) delete copy[head];
  else copy[head] = replaced;
  return copy;
}

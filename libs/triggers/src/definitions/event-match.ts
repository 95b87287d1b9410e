import { CustomerEvent, EVENT_TYPES, EventType, ValidationIssue, eventDataSchemas } from '@kairos/contracts';
import { z } from 'zod';

const scalarSchema = z.union([z.string().min(1).max(100), z.number().finite(), z.boolean()]);
type Scalar = z.infer<typeof scalarSchema>;

/**
 * Which events a trigger looks at: a catalog type and, optionally, required values of top-level data fields
 * (`{ "product": "credit_card" }`, `{ "channel": ["pos", "ecommerce"] }`). Deliberately equality-only: it is
 * checked against the event catalog at deploy and evaluated without an interpreter on every event.
 */
export const eventMatchSchema = z.strictObject({
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  where: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a data field name such as product'), z.union([scalarSchema, z.array(scalarSchema).min(1).max(50)])).optional(),
});
export type EventMatch = z.infer<typeof eventMatchSchema>;

export type EventPredicate = (event: CustomerEvent) => boolean;

const ALWAYS: EventPredicate = () => true;

/** The `where` part compiled into a closure: one property read and compare per field. */
export function compileEventMatch(match: EventMatch): EventPredicate {
  const entries = Object.entries(match.where ?? {});
  if (entries.length === 0) return ALWAYS;
  const tests = entries.map(([field, expected]): EventPredicate => {
    if (!Array.isArray(expected)) return (event) => (event.data as Record<string, unknown>)[field] === expected;
    const allowed = new Set<unknown>(expected);
    return (event) => allowed.has((event.data as Record<string, unknown>)[field]);
  });
  if (tests.length === 1) return tests[0];
  return (event) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](event)) return false;
    return true;
  };
}

/** Checks each `where` field against the catalog schema of the event type: it must exist and accept the values. */
export function checkEventMatch(match: EventMatch, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [field, expected] of Object.entries(match.where ?? {})) {
    const problem = fieldProblem(match.type, field, Array.isArray(expected) ? expected : [expected]);
    if (problem) issues.push({ path: `${path}.where.${field}`, rule: 'event_field', message: problem });
  }
  return issues;
}

/** The names `dedupeBy`/`correlateBy` may use: data fields every listed event type carries. */
export function checkDataField(types: readonly EventType[], field: string, path: string): ValidationIssue[] {
  return types.flatMap((type) => {
    const problem = fieldProblem(type, field, []);
    return problem ? [{ path, rule: 'event_field', message: problem }] : [];
  });
}

function fieldProblem(type: EventType, field: string, values: readonly Scalar[]): string | null {
  const shape = (eventDataSchemas[type] as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  if (!Object.prototype.hasOwnProperty.call(shape, field)) return `${type} events have no data field ${field}`;
  let schema = shape[field];
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodObject) return `${type}.data.${field} is an object; compare one of its scalar fields instead`;
  for (const value of values) {
    if (schema instanceof z.ZodEnum && !(schema.options as readonly unknown[]).includes(value)) {
      return `${type}.data.${field} is one of ${(schema.options as readonly string[]).join(', ')}`;
    }
    if (schema instanceof z.ZodNumber && typeof value !== 'number') return `${type}.data.${field} is a number`;
    if (schema instanceof z.ZodBoolean && typeof value !== 'boolean') return `${type}.data.${field} is a boolean`;
    if (schema instanceof z.ZodString && typeof value !== 'string') return `${type}.data.${field} is a string`;
  }
  return null;
}

/** The values of `fields` in an event, joined into one key part; only called when a trigger fires. */
export function dataKey(event: CustomerEvent, fields: readonly string[]): string {
  if (fields.length === 0) return '';
  const data = event.data as Record<string, unknown>;
  // One field is the common case: no array for it.
  if (fields.length === 1) return String(data[fields[0]] ?? '');
  return fields.map((field) => String(data[field] ?? '')).join('\u001f');
}

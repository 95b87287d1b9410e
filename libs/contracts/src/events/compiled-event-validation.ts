import { EVENT_TYPES, EventType, GOVERNANCE_EVENT_TYPES, eventDataSchemas } from './event-catalog';
import { IncomingEvent, eventEnvelopeSchema } from './event-envelope';
import { EventValidationPolicy, EventValidationResult, validateIncomingEvent } from './event-validation';
import { findPaymentCardNumber } from './payment-card-number';

/**
 * A fast path in front of `validateIncomingEvent` for the common, valid event: checks compiled once from the
 * catalog's zod schemas (their definitions are read, not copied), plain loops and no issue bookkeeping. It only
 * ever answers "valid, and this is exactly what zod would have produced"; on anything else — an invalid event, a
 * schema feature it does not model, identifiers to resolve, a governance type, a possible PAN — it hands the raw
 * event to `validateIncomingEvent`, so every rejection, its field path, rule and message, is zod's own.
 */
export class CompiledEventValidator {
  /** Null when the envelope schema uses what is not modelled here: then every event takes the full path. */
  private readonly envelope = compile(eventEnvelopeSchema as unknown as Introspectable);
  private readonly data = new Map<string, Checker>();

  constructor() {
    for (const type of EVENT_TYPES) {
      const checker = compile(eventDataSchemas[type] as unknown as Introspectable);
      if (checker) this.data.set(type, checker);
    }
  }

  validate(raw: unknown, nowMs: number, policy: EventValidationPolicy, pathPrefix: readonly PropertyKey[]): EventValidationResult {
    return this.validateCommonCase(raw, nowMs, policy) ?? validateIncomingEvent(raw, nowMs, policy, pathPrefix);
  }

  /** The validated event when the fast path can tell alone; null where the full validation must decide. */
  validateCommonCase(raw: unknown, nowMs: number, policy: EventValidationPolicy): EventValidationResult | null {
    const envelope = this.envelope ? this.envelope(raw) : UNSURE;
    if (envelope === UNSURE) return null;
    const { id, type, customerId, occurredAt, source, data } = envelope as EnvelopeFields;
    if (customerId === undefined || GOVERNANCE_EVENT_TYPES.has(type)) return null;
    const checkData = this.data.get(type);
    const parsedData = checkData ? checkData(data) : UNSURE;
    if (parsedData === UNSURE) return null;
    const occurredAtMs = Date.parse(occurredAt);
    if (occurredAtMs > nowMs + policy.maxFutureSkewMs || findPaymentCardNumber(raw) !== null) return null;
    const event = { id, type, customerId, occurredAt, source, data: parsedData } as IncomingEvent;
    return { ok: true, event, occurredAtMs };
  }
}

/** What a compiled check answers when zod has to decide. */
const UNSURE: unique symbol = Symbol('unsure');
/** Returns the value as zod would parse it, or UNSURE. */
type Checker = (value: unknown) => unknown;

interface EnvelopeFields {
  readonly id: string;
  readonly type: EventType;
  readonly customerId?: string;
  readonly occurredAt: string;
  readonly source: string;
  readonly data: Record<string, unknown>;
}

/** The parts of a zod (v4) schema definition the compiler reads. */
interface Introspectable {
  readonly _zod: { readonly def: SchemaDef };
}

interface SchemaDef {
  readonly type: string;
  readonly coerce?: boolean;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly entries?: Record<string, unknown>;
  readonly shape?: Record<string, Introspectable>;
  readonly catchall?: Introspectable;
  readonly innerType?: Introspectable;
  readonly keyType?: Introspectable;
  readonly valueType?: Introspectable;
}

interface CheckDef {
  readonly check: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
}

/** A checker for the schema, or null when it uses anything not modelled here (then zod alone validates). */
function compile(schema: Introspectable): Checker | null {
  const def = schema._zod.def;
  if (def.coerce) return null;
  switch (def.type) {
    case 'string':
      return compileString(def);
    case 'number':
      return compileNumber(def);
    case 'enum':
      return compileEnum(def);
    case 'object':
      return compileStrictObject(def);
    case 'record':
      return compileOpenRecord(def);
    default:
      return null;
  }
}

/** Formats that are a pattern test and nothing more in zod. */
const PATTERN_FORMATS: ReadonlySet<string> = new Set(['regex', 'datetime', 'date', 'email']);

function compileString(def: SchemaDef): Checker | null {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  const patterns: RegExp[] = [];
  if (def.format !== undefined) {
    if (!PATTERN_FORMATS.has(def.format) || !(def.pattern instanceof RegExp)) return null;
    patterns.push(def.pattern);
  }
  for (const { _zod } of def.checks ?? []) {
    const check = _zod.def;
    if (check.check === 'min_length' && typeof check.minimum === 'number') min = Math.max(min, check.minimum);
    else if (check.check === 'max_length' && typeof check.maximum === 'number') max = Math.min(max, check.maximum);
    else if (check.check === 'string_format' && check.format === 'regex' && check.pattern instanceof RegExp) patterns.push(check.pattern);
    else return null;
  }
  if (patterns.some((pattern) => pattern.global || pattern.sticky)) return null;
  return (value) => {
    if (typeof value !== 'string' || value.length < min || value.length > max) return UNSURE;
    for (let i = 0; i < patterns.length; i++) if (!patterns[i].test(value)) return UNSURE;
    return value;
  };
}

function compileNumber(def: SchemaDef): Checker | null {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  for (const { _zod } of def.checks ?? []) {
    const check = _zod.def;
    // Inclusive bounds (gte/lte) only; anything else is not modelled.
    if (check.check === 'greater_than' && check.inclusive === true && typeof check.value === 'number') low = Math.max(low, check.value);
    else if (check.check === 'less_than' && check.inclusive === true && typeof check.value === 'number') high = Math.min(high, check.value);
    else return null;
  }
  return (value) => (typeof value === 'number' && Number.isFinite(value) && value >= low && value <= high ? value : UNSURE);
}

function compileEnum(def: SchemaDef): Checker | null {
  const values = Object.values(def.entries ?? {});
  if ((def.checks?.length ?? 0) > 0 || values.some((value) => typeof value !== 'string')) return null;
  const allowed = new Set(values);
  return (value) => (allowed.has(value) ? value : UNSURE);
}

interface Field {
  readonly key: string;
  readonly optional: boolean;
  readonly check: Checker;
}

const alwaysUnsure: Checker = () => UNSURE;

/**
 * A strict object. zod answers a new object with the shape's keys in the shape's order, absent optional keys left
 * out; when the input already is exactly that (its keys in shape order, every value kept as is), the input itself
 * is answered — the same JSON, one allocation less per event.
 */
function compileStrictObject(def: SchemaDef): Checker | null {
  if ((def.checks?.length ?? 0) > 0 || def.catchall?._zod.def.type !== 'never' || !def.shape) return null;
  const fields: Field[] = [];
  for (const key of Object.keys(def.shape)) {
    let schema = def.shape[key];
    const optional = schema._zod.def.type === 'optional';
    if (optional) {
      if (!schema._zod.def.innerType) return null;
      schema = schema._zod.def.innerType;
    }
    const check = compile(schema);
    // An optional field not modelled here (identifiers, with its refinement) sends only the events that have it
    // to the full path.
    if (!check && !optional) return null;
    fields.push({ key, optional, check: check ?? alwaysUnsure });
  }
  const positions = new Map(fields.map((field, index) => [field.key, index]));
  return (value) => {
    if (!isPlainJsonObject(value)) return UNSURE;
    const input = value as Record<string, unknown>;
    let present = 0;
    let kept = true;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (!Object.prototype.hasOwnProperty.call(input, field.key)) {
        if (field.optional) continue;
        return UNSURE;
      }
      const fieldValue = input[field.key];
      if (fieldValue === undefined) return UNSURE;
      const parsed = field.check(fieldValue);
      if (parsed === UNSURE) return UNSURE;
      if (parsed !== fieldValue) kept = false;
      present++;
    }
    // Any key beyond the declared ones (strict object): zod names it.
    let keys = 0;
    let lastPosition = -1;
    for (const key in input) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
      keys++;
      const position = positions.get(key) ?? -1;
      if (position <= lastPosition) kept = false;
      lastPosition = position;
    }
    if (keys !== present) return UNSURE;
    return kept ? input : rebuilt(input, fields);
  };
}

/** The declared fields the input has, in the shape's order, as zod's output. */
function rebuilt(input: Record<string, unknown>, fields: readonly Field[]): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const field of fields) if (Object.prototype.hasOwnProperty.call(input, field.key)) output[field.key] = field.check(input[field.key]);
  return output;
}

/** `z.record(z.string(), z.unknown())`: any plain object; its values are checked by the event type's schema. */
function compileOpenRecord(def: SchemaDef): Checker | null {
  const keyDef = def.keyType?._zod.def;
  const valueDef = def.valueType?._zod.def;
  if (!keyDef || !valueDef || keyDef.type !== 'string' || (keyDef.checks?.length ?? 0) > 0 || keyDef.format !== undefined || valueDef.type !== 'unknown') return null;
  return (value) => (isPlainJsonObject(value) ? value : UNSURE);
}

/**
 * An object as JSON.parse makes it: the plain prototype, no symbol keys, no own `constructor` or `__proto__`
 * (zod treats those specially; such an event takes the full path).
 */
function isPlainJsonObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  if (Object.prototype.hasOwnProperty.call(value, 'constructor') || Object.prototype.hasOwnProperty.call(value, '__proto__')) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

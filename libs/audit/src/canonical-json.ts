/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, `undefined` members left out, numbers
 * in ECMAScript's shortest round-trip form. For the values audit records hold (plain objects, arrays, strings,
 * finite numbers, booleans, null) this is the JSON Canonicalization Scheme of RFC 8785, so anyone can recompute a
 * record's hash from its stored body with an off-the-shelf JCS implementation.
 *
 * Anything that has no single JSON form (NaN, Infinity, bigint, functions, Dates, Maps, class instances, `undefined`
 * inside arrays, cycles) is refused instead of silently turned into `null` or `{}` as JSON.stringify would.
 */
export class CanonicalJsonError extends TypeError {
  constructor(readonly path: string, rule: string) {
    super(`${path}: ${rule}`);
    this.name = 'CanonicalJsonError';
  }
}

const MAX_DEPTH = 64;

/** `rootPath` names the value in errors, e.g. `output` for a record's output member. */
export function canonicalJson(value: unknown, rootPath = '(root)'): string {
  try {
    return encode(value, 0);
  } catch (error) {
    if (error === REFUSED) throw locateRefusal(value, rootPath, 0) ?? new CanonicalJsonError(rootPath, 'has no canonical JSON form');
    throw error;
  }
}

/**
 * The hot path (every audit record goes through it): no path bookkeeping, strings that need no escaping quoted
 * directly, key order checked before sorting. A refusal is located afterwards by `locateRefusal`.
 */
function encode(value: unknown, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw REFUSED;
      return '' + value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (depth >= MAX_DEPTH) throw REFUSED;
      return Array.isArray(value) ? encodeArray(value, depth + 1) : encodeObject(value as object, depth + 1);
    default:
      throw REFUSED;
  }
}

function encodeArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined) throw REFUSED;
    if (i > 0) out += ',';
    out += encode(item, depth);
  }
  return out + ']';
}

function encodeObject(object: object, depth: number): string {
  if (!isPlain(object)) throw REFUSED;
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    out += quote(key) + ':' + encode(member, depth);
    first = false;
  }
  return out + '}';
}

/** Characters JSON.stringify would escape: quote, backslash, control characters, surrogates (lone ones). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/** A string in canonical form (what canonicalJson writes for it), for encoders that write known shapes themselves. */
export const canonicalString: (text: string) => string = quote;

function isPlain(object: object): boolean {
  const prototype = Object.getPrototypeOf(object);
  return prototype === Object.prototype || prototype === null;
}

const REFUSED = Symbol('refused');

/** The first place in `value` without a canonical form, for an error that names it. */
function locateRefusal(value: unknown, path: string, depth: number): CanonicalJsonError | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : new CanonicalJsonError(path, 'numbers must be finite');
  if (typeof value !== 'object') return new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
  if (depth >= MAX_DEPTH) return new CanonicalJsonError(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) return new CanonicalJsonError(`${path}[${i}]`, 'arrays cannot hold undefined');
      const inner = locateRefusal(value[i], `${path}[${i}]`, depth + 1);
      if (inner) return inner;
    }
    return null;
  }
  if (!isPlain(value)) return new CanonicalJsonError(path, 'only plain objects have a canonical form');
  for (const [key, member] of Object.entries(value)) {
    const inner = member === undefined ? null : locateRefusal(member, `${path}.${key}`, depth + 1);
    if (inner) return inner;
  }
  return null;
}

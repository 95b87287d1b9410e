import fc from 'fast-check';

/** A value that must never come back in a response body, a log line or a metric label. */
export const FUZZ_CANARY = 'Canary-Pii-5c2d';

/** A write endpoint as the fuzz sees it: method, Nest path (`:param` segments) and what a plausible body looks like. */
export interface FuzzTarget {
  readonly method: string;
  readonly path: string;
  /** A plausible body (field names and JSON types the endpoint expects); `null`: the endpoint reads no body. */
  readonly body: Readonly<Record<string, unknown>> | null;
  /** Fields whose confusion may still be accepted (coerced numbers): never type-confused or dropped. */
  readonly fixed?: readonly string[];
  /** Fields the endpoint requires: dropping one is invalid by construction. */
  readonly required?: readonly string[];
  /** Well-formed values for path parameters (default: `fuzz-<name>`). */
  readonly params?: Readonly<Record<string, string>>;
}

/** One generated request; `kind` names the family for the per-endpoint statistics. */
export interface FuzzRequest {
  readonly kind: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: string | undefined;
}

/** Body size just over the default 1 MiB limit of the HTTP edge. */
const OVER_BODY_LIMIT = 1024 * 1024 + 4096;

const ODD_TEXT = ['\u202e', '\u200b', '\udc00', '\u0000', 'ü'.repeat(50), '\ufeff{"', '\u{e0041}', '𝕏', `${FUZZ_CANARY}@example.org`];

const oddText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }).map((text) => `${FUZZ_CANARY}${text}`), fc.constantFrom(...ODD_TEXT));
const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddText);

/**
 * Path parameter values no identifier rule of the platform accepts: each carries a space, an odd code point, a
 * slash or is longer than any id (128), or starts with `_`. Never a bare dot segment (the URL would be normalised
 * onto another route).
 */
const malformedId = fc.oneof(
  fc.constantFrom('__proto__', 'has space', `${FUZZ_CANARY} x`, 'a/b', 'a%2Fb', '\u202eid', 'id\u0000', 'ü', '𝕏id', 'id#frag', 'id?q=1'),
  fc.integer({ min: 129, max: 400 }).map((length) => `${FUZZ_CANARY}${'x'.repeat(length)}`),
  oddText.map((text) => ` ${text}`),
);

/** A JSON value whose type differs from `original`'s (so a strict, non-coercing schema refuses it). */
function confusedValue(original: unknown): fc.Arbitrary<unknown> {
  const wrongString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', FUZZ_CANARY), anyJson, { maxKeys: 2 }));
  if (typeof original === 'string') return wrongString;
  if (typeof original === 'number') return fc.oneof(oddText, fc.constant(null), fc.array(fc.nat(), { maxLength: 2 }), fc.constant({ value: 1 }));
  if (typeof original === 'boolean') return fc.oneof(oddText, fc.integer(), fc.constant(null), fc.constant([true]));
  if (Array.isArray(original)) return fc.oneof(oddText, fc.integer(), fc.boolean(), fc.constant(null), fc.constant({ 0: original[0] ?? null }));
  return fc.oneof(oddText, fc.integer(), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 3 }));
}

/** `{"a":{"a":…1…}}` or `[[…1…]]`, `depth` levels deep, as JSON text. */
function nestedJson(depth: number, asArray: boolean): string {
  return asArray ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** JSON text of `body` with one extra first member (`key` may be `__proto__`, kept as an own key in the text). */
function withExtraMember(body: Readonly<Record<string, unknown>>, key: string, valueJson: string): string {
  const rest = JSON.stringify(body).slice(1);
  return `{${JSON.stringify(key)}:${valueJson}${rest === '}' ? '' : ','}${rest}`;
}

/** JSON text of `body` with `field` set to raw JSON text `valueJson`. */
function withFieldJson(body: Readonly<Record<string, unknown>>, field: string, valueJson: string): string {
  const others = Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));
  return withExtraMember(others, field, valueJson);
}

/** Lone surrogates (which no URL can carry) as U+FFFD, still refused by every id rule. */
function wellFormed(value: string): string {
  return Array.from(value, (char) => (char.length === 1 && char >= '\ud800' && char <= '\udfff' ? '\ufffd' : char)).join('');
}

function fillPath(target: FuzzTarget, override?: { name: string; value: string }): string {
  return target.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      const value = override?.name === name ? override.value : (target.params?.[name] ?? `fuzz-${name}`);
      return encodeURIComponent(wellFormed(value));
    })
    .join('/');
}

function paramNames(target: FuzzTarget): string[] {
  return target.path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

const JSON_TYPE = 'application/json';

/**
 * Requests that are invalid by construction for `target` (so any 2xx is a defect): not-an-object roots, unknown
 * and prototype keys, type-confused and missing fields, oversized fields and bodies, deep nesting, broken JSON,
 * odd Unicode, wrong media types, malformed path ids. Never a generated valid body.
 */
export function invalidRequests(target: FuzzTarget): fc.Arbitrary<FuzzRequest> {
  const params = paramNames(target);
  const plainPath = fillPath(target);
  const families: { arbitrary: fc.Arbitrary<FuzzRequest>; weight: number }[] = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<FuzzRequest>) => families.push({ arbitrary, weight });

  if (params.length > 0) {
    const validBody = target.body === null ? undefined : JSON.stringify(target.body);
    add(
      target.body === null ? 10 : 3,
      fc.tuple(fc.constantFrom(...params), malformedId).map(([name, value]) => ({ kind: 'malformed-path-id', path: fillPath(target, { name, value }), contentType: JSON_TYPE, body: validBody })),
    );
  }
  if (params.length > 0 && target.body === null) {
    // A body-less command on a well-formed id that names nothing: the only other way such a request is invalid.
    add(
      3,
      fc.tuple(fc.constantFrom(...params), fc.nat({ max: 1_000_000 })).map(([name, n]) => ({ kind: 'unknown-id', path: fillPath(target, { name, value: `fuzz-missing-${n}` }), contentType: JSON_TYPE, body: undefined })),
    );
  }
  const body = target.body;
  if (body !== null) {
    const keys = Object.keys(body);
    const mutable = keys.filter((key) => !(target.fixed ?? []).includes(key));
    const request = (kind: string, text: string, contentType = JSON_TYPE): FuzzRequest => ({ kind, path: plainPath, contentType, body: text });

    add(
      3,
      fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.array(anyJson, { maxLength: 4 }), oddText, fc.constant([body])).map((root) => request('not-an-object', JSON.stringify(root))),
    );
    const unknownKey = fc.oneof(
      fc.constantFrom('__proto__', FUZZ_CANARY, 'isAdmin', 'principal', '\u202e', '', 'ü'),
      fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !keys.includes(key) && key !== 'constructor'),
    );
    add(4, fc.tuple(unknownKey, anyJson).map(([key, value]) => request('unknown-key', withExtraMember(body, key, JSON.stringify(value)))));
    add(1, anyJson.map((value) => request('constructor-prototype', withExtraMember(body, 'constructor', JSON.stringify({ prototype: { polluted: value ?? 1 } })))));
    if (mutable.length > 0) {
      add(
        4,
        fc
          .constantFrom(...mutable)
          .chain((field) => confusedValue(body[field]).map((value) => ({ field, value })))
          .map(({ field, value }) => request('type-confused', withFieldJson(body, field, JSON.stringify(value)))),
      );
      add(
        2,
        fc
          .tuple(fc.constantFrom(...mutable), fc.integer({ min: 50, max: 2_000 }), fc.boolean())
          .map(([field, depth, asArray]) => request('deep-nesting', withFieldJson(body, field, nestedJson(depth, asArray)))),
      );
    }
    const textFields = mutable.filter((key) => typeof body[key] === 'string');
    if (textFields.length > 0) {
      add(
        2,
        fc
          .tuple(fc.constantFrom(...textFields), fc.integer({ min: 20_001, max: 60_000 }))
          .map(([field, length]) => request('oversized-field', withFieldJson(body, field, JSON.stringify(`${FUZZ_CANARY}${'x'.repeat(length)}`)))),
      );
    }
    const required = (target.required ?? []).filter((key) => keys.includes(key));
    if (required.length > 0) {
      add(
        2,
        fc.constantFrom(...required).map((field) => request('missing-required', JSON.stringify(Object.fromEntries(Object.entries(body).filter(([key]) => key !== field))))),
      );
    }
    add(1, fc.integer({ min: 50, max: 3_000 }).map((depth) => request('deep-nesting', nestedJson(depth, false))));
    const text = JSON.stringify(body);
    add(
      3,
      fc.oneof(
        fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((cut) => text.slice(0, cut)),
        fc.constantFrom(...ODD_TEXT).map((odd) => `${text}${odd === '\ufeff{"' ? '\u0000' : odd.trimStart() || 'x'}`),
        fc.constantFrom(`{'single':'quotes'}`, '{"a":1,}', 'NaN', 'undefined', '{"a":01}', `${text}${text}`),
      ).map((broken) => request('invalid-json', broken)),
    );
    add(1, fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png').map((type) => request('wrong-media-type', text, type)));
    add(1, fc.constant(undefined).map(() => request('oversized-body', withExtraMember(body, 'padding', JSON.stringify(`${FUZZ_CANARY}${'x'.repeat(OVER_BODY_LIMIT)}`)))));
  }
  return fc.oneof(...families);
}

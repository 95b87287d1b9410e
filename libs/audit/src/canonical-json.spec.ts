import fc from 'fast-check';
import { CanonicalJsonError, canonicalJson } from './canonical-json';
import { sha256Hex } from './audit-hash';

describe('canonicalJson', () => {
  it('sorts keys at every depth by UTF-16 code units and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, A: 0 })).toBe('{"A":0,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    // RFC 8785 §3.2.3: code-unit order puts the surrogate pair (U+1F600) before U+FB33.
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2, '\u20ac': 3, '\r': 4 })).toBe('{"\\r":4,"\u20ac":3,"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('leaves out undefined members but refuses undefined array items', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ list: [1, undefined] })).toThrow(new CanonicalJsonError('(root).list[1]', 'arrays cannot hold undefined'));
  });

  it('writes numbers in their shortest round-trip form (RFC 8785 number vectors)', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 333333333.33333329, 4.5, 2e-3, 0.000001, -1.5e-300, 9007199254740991])).toBe(
      '[0,0,1e+21,1e-7,333333333.3333333,4.5,0.002,0.000001,-1.5e-300,9007199254740991]',
    );
  });

  it('refuses values without exactly one JSON form', () => {
    for (const bad of [NaN, Infinity, -Infinity, 10n, () => 1, Symbol('s'), new Date(0), new Map(), new (class Thing {})()]) {
      expect(() => canonicalJson({ value: bad })).toThrow(CanonicalJsonError);
    }
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100; i++) cursor = (cursor.next = {}) as Record<string, unknown>;
    expect(() => canonicalJson(deep)).toThrow(/nested deeper than 64/);
  });

  it('escapes strings as JSON does, lone surrogates included', () => {
    expect(canonicalJson('a"b\\c\n\u0001\ud800')).toBe('"a\\"b\\\\c\\n\\u0001\\ud800"');
  });

  it('is independent of key insertion order and stable under parse → encode', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reverseKeys((value as Record<string, unknown>)[key])]),
  );
}

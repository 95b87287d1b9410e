import fc from 'fast-check';
import { encodeDraftFast, encodeParsedDraft, type EncodedDraft } from './audit-draft-encoding';
import { auditRecordDraftSchema } from './audit-draft.schema';
import type { AuditRecordDraft } from './audit-record';
import { decisionDraft } from './test-support/audit-draft-factory';

/** What the general path makes of a draft: zod's verdict, then the encoding of zod's output (or its refusal). */
function generalPath(raw: unknown): EncodedDraft | 'refused' {
  const parsed = auditRecordDraftSchema.safeParse(raw);
  if (!parsed.success) return 'refused';
  try {
    return encodeParsedDraft(parsed.data as AuditRecordDraft);
  } catch {
    return 'refused';
  }
}

/** A valid draft with every optional member present, both actor kinds and free-form members with tricky keys. */
function richDraft(n: number): Record<string, unknown> {
  const draft = deepCopy(decisionDraft(n)) as Record<string, unknown>;
  if (n % 2 === 0) draft.actor = { role: 'reviewer', type: 'principal', principalId: `p-${n}` };
  draft.logic = { ...(draft.logic as object), triggerId: 'welcome', contentVersion: 'v3', seeds: { b: 2, a: 1, '10': 3, '9': 4 } };
  draft.personalData = { text: 'Hello \u00e9\ud83d\ude00', nested: { z: [1, 'x', null], a: true } };
  draft.output = { z: 1, a: { y: 'q"uote', b: [0.1, -0] } };
  return draft;
}

/** A copy whose objects all belong to this realm (structuredClone's would not, under jest). */
function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, deepCopy(member)]));
  return value;
}

/** Every path to a member of `value` (objects and arrays walked), the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key])]);
}

const astral = '\ud83d\ude00'; // two UTF-16 units, one code point: zod counts code points, lengths in units differ
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(200),
  'a'.repeat(201),
  astral.repeat(100),
  astral.repeat(101),
  'a'.repeat(500),
  'a'.repeat(501),
  'a'.repeat(2_000),
  'a'.repeat(2_001),
  astral.repeat(1_000),
  'line\nbreak "quoted" \\',
  '\ud800',
  0,
  -0,
  -1,
  -2,
  1.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  8_640_000_000_000_001,
  NaN,
  Infinity,
  true,
  false,
  [],
  [undefined],
  [1, 'x'],
  {},
  Object.create(null),
  JSON.parse('{"__proto__": 1}'),
  { [Symbol('s')]: 1 },
  new Date(0),
  new Map(),
  { type: 'component', component: 'c', version: 'v' },
  { type: 'principal', principalId: 'p', role: 'r' },
  { feature: 'f', value: 1 },
  { purpose: 'p', channel: null, status: 's' },
  'decision_served',
  'not_a_kind',
  'component',
  'principal',
  () => 1,
  10n,
];

/** Replaces, deletes or adds a member somewhere in the draft. */
const mutation = fc.record({
  at: fc.nat(),
  action: fc.constantFrom('replace', 'delete', 'add'),
  value: fc.constantFrom(...EDGE_VALUES),
  key: fc.constantFrom('extra', 'type', 'value', 'channel', 'seeds', 'rules', '10', '__proto__'),
});

function mutated(n: number, mutations: readonly { at: number; action: string; value: unknown; key: string }[]): unknown {
  const draft = richDraft(n);
  for (const { at, action, value, key } of mutations) {
    const paths = pathsOf(draft);
    const path = paths[at % paths.length];
    let parent: Record<string | number, unknown> = draft;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    if (typeof parent !== 'object' || parent === null || !Object.isExtensible(parent)) continue;
    if (action === 'replace') parent[last] = value;
    else if (action === 'delete') delete parent[last];
    else if (!Array.isArray(parent)) parent[key] = value;
  }
  return draft;
}

describe('encodeDraftFast', () => {
  it('encodes rich valid drafts exactly as zod plus the general encoding do', () => {
    for (let n = 0; n < 50; n++) {
      const draft = richDraft(n);
      expect(encodeDraftFast(draft)).toEqual(generalPath(draft));
    }
  });

  it('never accepts what zod refuses, and never encodes differently (seeded mutations)', () => {
    let fastAnswers = 0;
    fc.assert(
      fc.property(fc.nat(1_000), fc.array(mutation, { minLength: 1, maxLength: 3 }), (n, mutations) => {
        const draft = mutated(n, mutations);
        const fast = encodeDraftFast(draft);
        if (fast === null) return;
        fastAnswers++;
        expect(fast).toEqual(generalPath(draft));
      }),
      { seed: 20261124, numRuns: 3_000 },
    );
    // The fast path must also answer for the harmless mutations, or the comparison above proves little.
    expect(fastAnswers).toBeGreaterThan(300);
  });

  it('leaves zod to refuse, with its own message', () => {
    const draft = { ...decisionDraft(1), actor: { type: 'component', component: '', version: '1' } };
    expect(encodeDraftFast(draft)).toBeNull();
    expect(auditRecordDraftSchema.safeParse(draft).success).toBe(false);
  });

  it('leaves strings longer in UTF-16 units than the limit to zod, which counts code points', () => {
    const draft = { ...decisionDraft(1), subject: astral.repeat(100) }; // 200 units, 100 code points: valid
    expect(encodeDraftFast(draft)).toBeNull();
    expect(generalPath(draft)).not.toBe('refused');
  });
});

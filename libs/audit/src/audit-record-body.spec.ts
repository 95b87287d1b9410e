import fc from 'fast-check';
import { GENESIS_HASH, sha256Hex } from './audit-hash';
import { auditRecordOf, chainRecord, encodeAuditContent, type StoredAuditRecord } from './audit-record-body';
import { AUDIT_RECORD_KINDS, type AuditRecord } from './audit-record';
import { canonicalJson } from './canonical-json';
import { columnDisagreement } from './record-body-columns';
import { decisionDraft } from './test-support/audit-draft-factory';

const placement = { id: '0193f0a2-7c1e-7b3a-9f00-0000000000a1', chain: 3, sequence: 42, prevHash: GENESIS_HASH, recordedAtMs: 1_795_000_000_100 };

function stored(content: Omit<AuditRecord, 'id' | 'chain' | 'sequence' | 'prevHash' | 'hash' | 'recordedAtMs'>): StoredAuditRecord {
  return chainRecord(encodeAuditContent(content), placement);
}

/** Member names that also appear at the top level, to trip a naive search. */
const TRAP_KEYS = ['chain', 'id', 'kind', 'decisionId', 'occurredAtMs', 'prevHash', 'recordedAtMs', 'sequence', 'subject', 'output'];
const trickyString = fc.oneof(
  fc.string(),
  fc.constantFrom(...TRAP_KEYS.map((key) => `","${key}":"x`), '\\', '\\"', '},"chain":9,', ',"occurredAtMs":1,"output":{', '"}'),
);
const trickyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), trickyString, fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...TRAP_KEYS), fc.string()), tie('value'), { maxKeys: 4 }),
})).object as fc.Arbitrary<Record<string, unknown>>;

const content = fc.record(
  {
    kind: fc.constantFrom(...AUDIT_RECORD_KINDS),
    actor: fc.record({ type: fc.constant('component' as const), component: trickyString, version: trickyString }),
    subject: trickyString,
    decisionId: trickyString,
    occurredAtMs: fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
    reasons: fc.array(trickyString, { maxLength: 3 }),
    inputs: fc.array(fc.record({ feature: trickyString, value: fc.oneof(trickyString, fc.integer(), fc.constant(null)) }), { maxLength: 3 }),
    logic: fc.record({ seeds: fc.dictionary(fc.oneof(fc.constantFrom(...TRAP_KEYS), fc.string()), fc.integer()) }),
    output: trickyJson,
    sealedPersonalData: trickyString,
  },
  { requiredKeys: ['kind', 'actor', 'occurredAtMs'] },
);

describe('chained record bodies', () => {
  it('are the canonical JSON of every hashed field, and the hash is SHA-256 of exactly those bytes', () => {
    const { personalData: _drop, occurredAtMs, ...draft } = decisionDraft(7);
    const record = stored({ ...draft, occurredAtMs: occurredAtMs!, sealedPersonalData: 'c2VhbGVk' });
    expect(record.body).toBe(canonicalJson({ ...draft, occurredAtMs, sealedPersonalData: 'c2VhbGVk', ...placement }));
    expect(record.hash).toBe(sha256Hex(record.body));
    expect(auditRecordOf(record)).toEqual({ ...draft, occurredAtMs, sealedPersonalData: 'c2VhbGVk', ...placement, hash: record.hash });
    expect(record).toEqual(expect.objectContaining({ kind: 'decision_served', subject: 'c-7', decisionId: 'd-7', occurredAtMs, recordedAtMs: placement.recordedAtMs }));
  });

  it('agree with their columns, whatever the free-form members contain', () => {
    fc.assert(
      fc.property(content, (generated) => {
        const record = stored(generated as Parameters<typeof stored>[0]);
        expect(columnDisagreement(record)).toBeNull();
        expect(auditRecordOf(record)).toEqual({ ...generated, ...placement, hash: record.hash });
      }),
      { numRuns: 500 },
    );
  });

  it('name the column that was changed', () => {
    fc.assert(
      fc.property(
        content,
        fc.constantFrom('id', 'chain', 'sequence', 'prevHash', 'kind', 'subject', 'decisionId', 'occurredAtMs', 'recordedAtMs'),
        (generated, column) => {
          const record = stored(generated as Parameters<typeof stored>[0]);
          const tampered = { ...record, [column]: changed(record[column as keyof StoredAuditRecord]) };
          expect(columnDisagreement(tampered)).toBe(column);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is not fooled by column values that carry JSON syntax of the body around them', () => {
    const record = stored({ kind: 'decision_served', actor: { type: 'component', component: 'api', version: '1' }, subject: 'c-1', decisionId: 'd-1', occurredAtMs: 5 });
    expect(columnDisagreement(record)).toBeNull();
    for (const [column, value] of [
      ['decisionId', 'd-1","id'],
      ['decisionId', 'd-1\\'],
      ['kind', 'decision_served","logic'],
      ['subject', 'c-1"}'],
      ['id', `${placement.id}","inputs`],
    ] as const) {
      expect([column, columnDisagreement({ ...record, [column]: value })]).toEqual([column, column]);
    }
  });

  it('refuses a body with anything after its last member', () => {
    const record = stored({ kind: 'access_denied', actor: { type: 'component', component: 'api', version: '1' }, occurredAtMs: 5 });
    expect(columnDisagreement({ ...record, body: `${record.body.slice(0, -1)},"zz":1}` })).toBe('body');
    expect(columnDisagreement({ ...record, body: 'not json' })).toBe('body');
  });
});

function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (value === null) return 'now-set';
  if (value === 'access_denied') return 'decision_served';
  return `${String(value)}x`;
}

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CONSENT_CHANNELS, CONSENT_PURPOSES } from '@kairos/contracts';
import { ConsentHistoryEntry, CONSENT_METHODS, consentRecordJsonSchema, consentRecordSchema, consentRecordsOf } from './consent-record';
import { loadPurposeRegistryFile } from './purpose-registry';

const registry = loadPurposeRegistryFile();

const entry = fc.record({
  consentId: fc.uuid().map((id) => `cons-${id}`),
  purpose: fc.constantFrom(...CONSENT_PURPOSES),
  channel: fc.constantFrom(...CONSENT_CHANNELS, null),
  status: fc.constantFrom('given' as const, 'withdrawn' as const, 'refused' as const),
  method: fc.constantFrom(...CONSENT_METHODS),
  capturedAtMs: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 10, 23) }),
  recordedAtMs: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 10, 23) }),
  noticeId: fc.constantFrom('privacy-notice', 'marketing-notice'),
  noticeVersion: fc.constantFrom('1', '2.1', '3.0.4'),
  evidenceRef: fc.constantFrom('ev-1', 'scan:7781'),
  logOffset: fc.option(fc.nat(), { nil: null }),
}) satisfies fc.Arbitrary<ConsentHistoryEntry>;

describe('consent records (ISO/IEC TS 27560 / DPV)', () => {
  it('governance/consent-record.schema.json is the JSON Schema of the record type (regenerate when the type changes)', () => {
    expect(JSON.parse(readFileSync('governance/consent-record.schema.json', 'utf8'))).toEqual(consentRecordJsonSchema());
  });

  it('groups any history into one valid record per purpose and channel, keeping every status change', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 25 }), (history) => {
        const records = consentRecordsOf('cust-42', history, registry);
        for (const record of records) expect(consentRecordSchema.safeParse(record).success).toBe(true);
        expect(records.reduce((total, record) => total + record.statusHistory.length, 0)).toBe(history.length);
        expect(new Set(records.map((record) => `${record.purposes[0].id}/${record.channel}`)).size).toBe(records.length);
      }),
      { numRuns: 200 },
    );
  });

  it('states the status in force: the newest change in the log, not a newer one still pending', () => {
    const base = { purpose: 'marketing', channel: null, method: 'app', capturedAtMs: 1, noticeId: 'n', noticeVersion: '1', evidenceRef: 'e' } as const;
    const [record] = consentRecordsOf(
      'cust-1',
      [
        { ...base, consentId: 'c-1', status: 'given', recordedAtMs: 1, logOffset: 4 },
        { ...base, consentId: 'c-2', status: 'withdrawn', recordedAtMs: 2, logOffset: null },
      ],
      registry,
    );
    expect(record).toMatchObject({ recordId: 'c-1', state: 'dpv:ConsentGiven', controller: { id: 'kairos_demo_bank' }, purposes: [{ id: 'marketing', dpvPurpose: 'dpv:DirectMarketing' }] });
    expect(record.statusHistory.map((item) => item.dpvStatus)).toEqual(['dpv:ConsentGiven', 'dpv:ConsentWithdrawn']);
  });
});

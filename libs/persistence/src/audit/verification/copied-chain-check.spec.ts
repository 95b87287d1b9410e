import { chainRecord, encodeAuditContent, GENESIS_HASH, type ChainOutcome, type StoredAuditRecord } from '@kairos/audit';
import { BinaryCopyRows } from './binary-copy-rows';
import { CHAIN_COPY_FIELDS, chainCopySql, CopiedChainCheck } from './copied-chain-check';
import { CHAIN_COPY_HEADER, CHAIN_COPY_TRAILER, chainCopyRow } from '../test-support/copied-chain-encoding';

const CHAIN = 4;

/** A chain whose text is not all ASCII (and holds characters JSON escapes), as the journal writes it. */
function chainOf(length: number): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  for (let sequence = 1; sequence <= length; sequence++) {
    const content = encodeAuditContent({
      kind: 'decision_served',
      actor: { type: 'component', component: 'décisions "€"', version: '1' },
      subject: `zoë-😀-"${sequence}"\\`,
      decisionId: `d-ü-${sequence}`,
      reasons: ['naïve\treason'],
      occurredAtMs: 1_795_000_000_000 + sequence,
    });
    const placement = { id: `0193f0a2-7c1e-7b3a-9f00-${String(sequence).padStart(12, '0')}`, chain: CHAIN, sequence, prevHash: records.at(-1)?.hash ?? GENESIS_HASH, recordedAtMs: 1_795_000_000_100 + sequence };
    records.push(chainRecord(content, placement));
  }
  return records;
}

/** The chain checked as a verification thread checks it: one COPY row per chunk. */
function checkCopied(records: readonly StoredAuditRecord[]): ChainOutcome {
  const check = new CopiedChainCheck(CHAIN, undefined);
  const rows = new BinaryCopyRows(CHAIN_COPY_FIELDS, check.onRow);
  rows.push(CHAIN_COPY_HEADER);
  for (const record of records) rows.push(chainCopyRow(record));
  rows.push(CHAIN_COPY_TRAILER);
  rows.finish();
  return check.finish();
}

describe('CopiedChainCheck', () => {
  const records = chainOf(3);

  it('verifies an untouched chain whose text is not ASCII', () => {
    expect(checkCopied(records)).toEqual({ verified: 3, lastSequence: 3 });
  });

  it.each([
    ['subject', { subject: 'zoe-😀-"2"\\' }],
    ['subject', { subject: 'zoë-😀-"2"' }],
    ['decisionId', { decisionId: 'd-u-2' }],
    ['kind', { kind: 'decision_servéd' }],
  ] as const)('names the %s column changed to a different text', (column, change) => {
    const tampered = records.map((record) => (record.sequence === 2 ? { ...record, ...change } : record));
    expect(checkCopied(tampered)).toEqual({ verified: 1, lastSequence: 1, broken: { chain: CHAIN, sequence: 2, reason: 'column_mismatch', column } });
  });

  it('names the record whose body changed by one character', () => {
    const tampered = records.map((record) => (record.sequence === 2 ? { ...record, body: record.body.replace('zoë', 'zoé') } : record));
    expect(checkCopied(tampered)).toEqual({ verified: 1, lastSequence: 1, broken: { chain: CHAIN, sequence: 2, reason: 'hash_mismatch' } });
  });

  it('writes only an integer chain number into its COPY statement', () => {
    expect(chainCopySql('"s"."audit_records"', 7)).toContain('WHERE chain = 7 ORDER BY sequence');
    expect(() => chainCopySql('"s"."audit_records"', Number.NaN)).toThrow('not a chain number');
    expect(() => chainCopySql('"s"."audit_records"', 1.5)).toThrow('not a chain number');
  });
});

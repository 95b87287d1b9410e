import { GENESIS_HASH } from './audit-hash';
import { chainRecord, encodeAuditContent, type StoredAuditRecord } from './audit-record-body';
import { ChainCheck } from './chain-check';
import { decisionDraft } from './test-support/audit-draft-factory';

/** A chain of `length` decision records, linked from the genesis hash. */
function chainOf(length: number): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  for (let sequence = 1; sequence <= length; sequence++) {
    const { personalData: _personalData, occurredAtMs = 0, ...draft } = decisionDraft(sequence, { subject: `zoë-${sequence}` });
    const placement = { id: `0193f0a2-7c1e-7b3a-9f00-${String(sequence).padStart(12, '0')}`, chain: 2, sequence, prevHash: records.at(-1)?.hash ?? GENESIS_HASH, recordedAtMs: 1_795_000_000_000 + sequence };
    records.push(chainRecord(encodeAuditContent({ ...draft, occurredAtMs }), placement));
  }
  return records;
}

describe('ChainCheck.checkNext given the body bytes a reader received', () => {
  const records = chainOf(3);

  it('hashes the bytes: a chain whose bytes are the UTF-8 of its bodies verifies', () => {
    const check = new ChainCheck(2, undefined);
    for (const record of records) expect(check.checkNext(record, Buffer.from(record.body))).toBe(true);
    expect(check.finish()).toEqual({ verified: 3, lastSequence: 3 });
  });

  it('names the record whose bytes are not what was hashed, even when its decoded body is', () => {
    const check = new ChainCheck(2, undefined);
    const tampered = Buffer.from(records[1].body);
    tampered[tampered.indexOf('zo')] = 'Z'.charCodeAt(0);
    expect(check.checkNext(records[0], Buffer.from(records[0].body))).toBe(true);
    expect(check.checkNext(records[1], tampered)).toBe(false);
    expect(check.finish()).toEqual({ verified: 1, lastSequence: 1, broken: { chain: 2, sequence: 2, reason: 'hash_mismatch' } });
  });
});

import type { StoredAuditRecord } from './audit-record-body';
import { columnDisagreement } from './record-body-columns';

/** A body with the top-level members the check reads, in canonical order; `recordedAtMs` is the text under test. */
function rowWith(recordedText: string, recordedAtMs: number): StoredAuditRecord {
  const body = `{"actor":{"type":"component"},"chain":1,"id":"r-1","kind":"decision_served","occurredAtMs":5,"prevHash":"p","recordedAtMs":${recordedText},"sequence":3}`;
  return { id: 'r-1', chain: 1, sequence: 3, prevHash: 'p', hash: 'h', kind: 'decision_served', subject: null, decisionId: null, occurredAtMs: 5, recordedAtMs, body };
}

describe('columnDisagreement on numbers', () => {
  it.each([
    ['12', 12],
    ['0', 0],
    ['999999999999999', 999_999_999_999_999],
    ['1000000000000000', 1e15],
    ['-3', -3],
  ])('accepts the body text %s for the column %p', (text, value) => {
    expect(columnDisagreement(rowWith(text, value))).toBeNull();
  });

  it.each([
    ['012', 12],
    ['00', 0],
    ['123', 12],
    ['12', 123],
    ['1000000000000001', 1e15],
    ['1000000000000000', 999_999_999_999_999],
    ['3', -3],
  ])('names the column when the body says %s and the column %p', (text, value) => {
    expect(columnDisagreement(rowWith(text, value))).toBe('recordedAtMs');
  });
});

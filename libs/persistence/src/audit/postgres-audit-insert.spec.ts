import type { StoredAuditRecord } from '@kairos/audit';
import { guardedInsert, guardedInsertSql, preparedStatementName } from './postgres-audit-insert';

const statement = { text: guardedInsertSql('"s"."audit_records"'), name: 'insert' };

function record(n: number, body = `{"n":${n},"quote":"\\"x\\""}`): StoredAuditRecord {
  return { id: `r-${n}`, chain: n % 2, sequence: n, prevHash: 'p'.repeat(64), hash: 'h'.repeat(64), kind: 'decision_served', subject: n === 1 ? null : `c-${n}`, decisionId: null, occurredAtMs: 1_000 + n, recordedAtMs: 2_000 + n, body };
}

describe('the guarded INSERT of an audit batch on PostgreSQL', () => {
  it('carries one array per column, the bodies as one text, and guards only heads past the genesis', () => {
    const { values, name, text } = guardedInsert(statement, [{ chain: 0, sequence: 0, hash: '0'.repeat(64) }, { chain: 1, sequence: 7, hash: 'g'.repeat(64) }], [record(1), record(2)]);
    expect({ name, text }).toEqual(statement);
    expect(values).toHaveLength(14);
    expect(values.slice(0, 3)).toEqual([['r-1', 'r-2'], [1, 0], [1, 2]]);
    expect(values[6]).toEqual([null, 'c-2']);
    expect(values[10]).toBe(`${record(1).body}\x1e${record(2).body}`);
    expect(values.slice(11)).toEqual([[1], [7], ['g'.repeat(64)]]);
  });

  it('refuses a body with a raw record separator instead of letting the split shift the bodies', () => {
    expect(() => guardedInsert(statement, [], [record(1), record(2, '{"n":2,"x":"a\x1eb"}')])).toThrow('not canonical JSON');
  });

  it('names a prepared statement after its text', () => {
    expect(preparedStatementName('audit-insert', statement.text)).toBe(preparedStatementName('audit-insert', guardedInsertSql('"s"."audit_records"')));
    expect(preparedStatementName('audit-insert', statement.text)).not.toBe(preparedStatementName('audit-insert', guardedInsertSql('"t"."audit_records"')));
  });
});

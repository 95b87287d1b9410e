import { createHash } from 'node:crypto';
import { sha256Hex } from './audit-hash';
import { auditExportLines } from './audit-export';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AuditJournal } from './audit-journal';
import { decisionDraft } from './test-support/audit-draft-factory';
import { InMemoryAuditRecordStore } from './test-support/in-memory-audit-record-store';
import { TestPersonalDataCipher } from './test-support/test-personal-data-cipher';

describe('audit export', () => {
  it('streams matching records as NDJSON, each verifiable on its own, closed by a checksum over the bytes before it', async () => {
    const store = new InMemoryAuditRecordStore();
    const journal = new AuditJournal({ store, cipher: new TestPersonalDataCipher(), partitionCount: 3 });
    await Promise.all(Array.from({ length: 23 }, (_, n) => journal.append(decisionDraft(n, { subject: n % 2 === 0 ? 'c-even' : 'c-odd' }))));
    await journal.close();

    let text = '';
    for await (const line of auditExportLines(store, { subject: 'c-even' }, 5)) text += line;
    const lines = text.split('\n').slice(0, -1);
    const closing = JSON.parse(lines.pop()!);
    const recordsPart = lines.map((line) => `${line}\n`).join('');
    expect(closing).toEqual({ checksum: { algorithm: 'sha256', value: createHash('sha256').update(recordsPart).digest('hex'), count: 12 } });
    const exported = lines.map((line) => JSON.parse(line) as { hash: string; record: { subject: string; occurredAtMs: number } });
    expect(exported.every((entry) => entry.record.subject === 'c-even')).toBe(true);
    // The record member is the stored body byte for byte: its SHA-256 is the hash.
    for (const line of lines) expect(sha256Hex(line.slice(line.indexOf(',"record":') + 10, -1))).toBe(JSON.parse(line).hash);
    expect(exported.map((e) => e.record.occurredAtMs)).toEqual([...exported.map((e) => e.record.occurredAtMs)].sort((a, b) => a - b));
  });

  it('closes an empty export with a zero count', async () => {
    const lines: string[] = [];
    for await (const line of auditExportLines(new InMemoryAuditRecordStore(), {})) lines.push(line);
    expect(lines).toEqual([`{"checksum":{"algorithm":"sha256","value":"${sha256Hex('')}","count":0}}\n`]);
  });

  it('round-trips cursors and refuses text it did not issue', () => {
    const position = { occurredAtMs: 1_795_000_000_000, id: '0193f0a2-7c1e-7b3a-9f00-0000000000a1' };
    expect(decodeAuditCursor(encodeAuditCursor(position))).toEqual(position);
    for (const bad of ['', 'not a cursor!', Buffer.from('x:y').toString('base64url'), Buffer.from('12').toString('base64url'), 'A'.repeat(500)]) {
      expect(decodeAuditCursor(bad)).toBeNull();
    }
  });
});

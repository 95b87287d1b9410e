import { createHash } from 'node:crypto';
import type { StoredAuditRecord } from './audit-record-body';
import type { AuditQuery, AuditRecordStore } from './audit-record-store';

/**
 * One export line per record: `{"hash":…,"record":<stored body>}` — the body byte for byte as it was hashed, so anyone
 * can check SHA-256(record) == hash without canonicalising anything.
 */
export function auditExportLine(record: StoredAuditRecord): string {
  return `{"hash":${JSON.stringify(record.hash)},"record":${record.body}}`;
}

/** The closing line: SHA-256 over every byte before it and the number of records, so a cut-off export shows. */
export interface AuditExportChecksum {
  readonly checksum: { readonly algorithm: 'sha256'; readonly value: string; readonly count: number };
}

/**
 * Streams the records matching `filter` as NDJSON in (occurredAtMs, id) order, page by page, then the checksum line.
 * Memory stays at one page whatever the export's size.
 */
export async function* auditExportLines(store: AuditRecordStore, filter: AuditQuery, pageSize = 1_000): AsyncGenerator<string> {
  const digest = createHash('sha256');
  let count = 0;
  let after: StoredAuditRecord | undefined;
  for (;;) {
    const page = await store.query(filter, after && { occurredAtMs: after.occurredAtMs, id: after.id }, pageSize);
    for (const record of page) {
      const line = `${auditExportLine(record)}\n`;
      digest.update(line, 'utf8');
      count++;
      yield line;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1];
  }
  const closing: AuditExportChecksum = { checksum: { algorithm: 'sha256', value: digest.digest('hex'), count } };
  yield `${JSON.stringify(closing)}\n`;
}

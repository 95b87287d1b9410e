import type { AuditQueryPosition } from './audit-record-store';

/** Opaque page cursors: base64url of `occurredAtMs:id`, the last record of the previous page. */
export function encodeAuditCursor(position: AuditQueryPosition): string {
  return Buffer.from(`${position.occurredAtMs}:${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when the text is not a cursor this API issued. */
export function decodeAuditCursor(cursor: string): AuditQueryPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):(.{1,128})$/s.exec(text);
  if (!match) return null;
  const occurredAtMs = Number(match[1]);
  return Number.isSafeInteger(occurredAtMs) ? { occurredAtMs, id: match[2] } : null;
}

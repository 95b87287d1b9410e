import { newAuditRecordId } from './audit-record-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('audit record ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying the millisecond', () => {
    const id = newAuditRecordId(Date.parse('2026-11-23T12:00:00Z'));
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.parse('2026-11-23T12:00:00Z'));
  });

  it('strictly increase within a process, also for thousands in one millisecond and when the clock steps back', () => {
    const at = Date.parse('2030-01-01T00:00:00Z');
    const ids = [...Array.from({ length: 10_000 }, () => newAuditRecordId(at)), newAuditRecordId(at - 5_000), newAuditRecordId(at + 60_000)];
    for (const id of ids) expect(id).toMatch(UUID_V7);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

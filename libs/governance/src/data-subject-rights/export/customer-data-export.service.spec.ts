import { createHash } from 'node:crypto';
import { CustomerEvent, KairosError, LoggedEvent } from '@kairos/contracts';
import { RecordingAuditTrail } from '../../retention/audit-trail-test-support';
import { ManualClock } from '../../retention/retention-clock';
import type { CustomerDataSource, ExportedRecord } from './customer-data-source';
import { CustomerDataExportService } from './customer-data-export.service';
import { EventDataSource } from './event-data.source';
import { ProfileDataSource } from './profile-data.source';

const ACTOR = { type: 'principal', principalId: 'p-dpo', role: 'dpo' } as const;
const NOW = Date.UTC(2026, 10, 23, 12);

function source(name: string, collect: (customerId: string) => Promise<readonly ExportedRecord[]>): CustomerDataSource {
  return { name, description: `the ${name}`, collect };
}

const consents = source('consents', async (customerId) => [
  { id: 'consent-1', customerId, recordedAt: '2026-01-01T00:00:00.000Z', data: { purpose: 'marketing', status: 'given' } },
  { id: 'consent-2', customerId, data: { purpose: 'profiling', status: 'withdrawn' } },
]);
const decisions = source('decisions', async (customerId) => [{ id: 'd-1', customerId, data: { explanation: 'rule r-7 matched' } }]);

function service(sources: CustomerDataSource[], audit = new RecordingAuditTrail()) {
  return { audit, exports: new CustomerDataExportService({ sources, audit, clock: new ManualClock(NOW), newRequestId: () => 'req-1' }) };
}

describe('CustomerDataExportService', () => {
  it('gathers every source into its section with a manifest of counts, ids and digests, and audits counts only', async () => {
    const { exports, audit } = service([consents, decisions, source('messages', async () => [])]);
    const document = await exports.export('cust-1', ACTOR);

    expect(document).toEqual(expect.objectContaining({ format: 'kairos.customer-data-export', formatVersion: 1, requestId: 'req-1', customerId: 'cust-1', generatedAt: new Date(NOW).toISOString() }));
    expect(Object.keys(document.sections)).toEqual(['consents', 'decisions', 'messages']);
    expect(document.sections['consents'][1]).toEqual({ id: 'consent-2', data: { purpose: 'profiling', status: 'withdrawn' } });
    expect(document.manifest.totalRecords).toBe(3);
    expect(document.manifest.sections.map(({ name, count, recordIds }) => [name, count, recordIds])).toEqual([
      ['consents', 2, ['consent-1', 'consent-2']],
      ['decisions', 1, ['d-1']],
      ['messages', 0, []],
    ]);
    const digest = createHash('sha256').update(JSON.stringify(document.sections['decisions'])).digest('hex');
    expect(document.manifest.sections[1].sha256).toBe(digest);

    expect(audit.records).toEqual([
      {
        kind: 'dsr_executed',
        actor: ACTOR,
        subject: 'cust-1',
        occurredAtMs: NOW,
        output: {
          right: 'access',
          requestId: 'req-1',
          outcome: 'completed',
          totalRecords: 3,
          sections: document.manifest.sections.map(({ name, count, sha256 }) => ({ name, count, sha256 })),
        },
      },
    ]);
    expect(JSON.stringify(audit.records)).not.toContain('marketing');
  });

  it("stops the whole export when a source returns someone else's record, and audits the failure", async () => {
    const leaky = source('messages', async () => [{ id: 'm-9', customerId: 'cust-2', data: { text: 'for cust-2' } }]);
    const { exports, audit } = service([consents, leaky]);
    await expect(exports.export('cust-1', ACTOR)).rejects.toEqual(expect.objectContaining({ code: 'INTERNAL' }));
    expect(audit.records).toEqual([expect.objectContaining({ output: { right: 'access', requestId: 'req-1', outcome: 'failed', reason: 'INTERNAL' } })]);
  });

  it('answers 503 when a store cannot be read, keeping an operational error as it is', async () => {
    const broken = source('decisions', async () => {
      throw new Error('connection reset');
    });
    await expect(service([broken]).exports.export('cust-1', ACTOR)).rejects.toEqual(expect.objectContaining({ code: 'STORAGE_UNAVAILABLE', status: 503 }));
    const notOwner = source('profile', async () => {
      throw new KairosError('NOT_PARTITION_OWNER', 'partition 3 is not served here', [], 1);
    });
    await expect(service([notOwner]).exports.export('cust-1', ACTOR)).rejects.toEqual(expect.objectContaining({ code: 'NOT_PARTITION_OWNER' }));
  });

  it('releases nothing when the audit record cannot be written', async () => {
    const audit = new RecordingAuditTrail();
    audit.failNext = true;
    await expect(service([consents], audit).exports.export('cust-1', ACTOR)).rejects.toEqual(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }));
  });

  it('refuses section names that are not unique lower_snake_case', () => {
    expect(() => service([consents, consents])).toThrow(/unique/);
    expect(() => service([source('Consents', consents.collect)])).toThrow(/lower_snake_case/);
    expect(() => service([source('__proto__', consents.collect)])).toThrow(KairosError);
  });
});

describe('export sources', () => {
  const stored: CustomerEvent = {
    id: 'e-1',
    type: 'customer_registered',
    customerId: 'cust-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    occurredAtMs: Date.UTC(2026, 0, 1),
    receivedAtMs: Date.UTC(2026, 0, 1, 0, 0, 1),
    source: 'core-banking',
    data: { birthDate: '1990-01-01', country: 'DE', language: 'de', firstName: 'kx1:sealed-bytes' },
  };

  it('events: opens sealed fields through the port and keeps where the event is stored', async () => {
    const log = { readCustomer: async (): Promise<readonly LoggedEvent[]> => [{ partition: 2, offset: 41, event: stored }] };
    const opened: string[] = [];
    const open = async (customerId: string, event: CustomerEvent) => {
      opened.push(`${customerId}/${event.id}`);
      return { ...event, data: { ...event.data, firstName: 'Ada' } } as CustomerEvent;
    };
    const [record] = await new EventDataSource(log, open).collect('cust-1');
    expect(opened).toEqual(['cust-1/e-1']);
    expect(record).toEqual({
      id: 'e-1',
      customerId: 'cust-1',
      recordedAt: '2026-01-01T00:00:01.000Z',
      data: {
        type: 'customer_registered',
        occurredAt: '2026-01-01T00:00:00.000Z',
        receivedAt: '2026-01-01T00:00:01.000Z',
        source: 'core-banking',
        data: { birthDate: '1990-01-01', country: 'DE', language: 'de', firstName: 'Ada' },
        storedAt: { partition: 2, offset: 41 },
      },
    });
  });

  it('profile: no profile is an empty section, not an error; other errors pass', async () => {
    const missing = { profile: () => { throw new KairosError('NOT_FOUND', 'no profile for this customer id'); } };
    await expect(new ProfileDataSource(missing).collect('cust-1')).resolves.toEqual([]);
    const down = { profile: () => { throw new KairosError('NOT_PARTITION_OWNER', 'not here', [], 1); } };
    await expect(new ProfileDataSource(down).collect('cust-1')).rejects.toEqual(expect.objectContaining({ code: 'NOT_PARTITION_OWNER' }));
  });
});

import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { ConsentLedgerRepository, NewConsentLedgerEntry } from './consent-ledger.repository';

const consent = (entryId: string, customerId: string, recordedAtMs: number): NewConsentLedgerEntry => ({
  entryId,
  kind: 'consent',
  customerId,
  eventId: `evt-${entryId}`,
  purpose: 'marketing',
  channel: null,
  status: 'given',
  method: 'app',
  scope: null,
  capturedAtMs: 1_000,
  noticeId: 'privacy-notice',
  noticeVersion: '2.1',
  evidenceRef: 'ev-1',
  recordedAtMs,
  recordedBy: 'principal-1',
  recordedByRole: 'dpo',
});

const objection = (entryId: string, customerId: string): NewConsentLedgerEntry => ({
  ...consent(entryId, customerId, 5),
  kind: 'objection',
  purpose: null,
  status: null,
  method: null,
  noticeId: null,
  noticeVersion: null,
  evidenceRef: null,
  scope: 'direct_marketing',
});

describe.each(STORAGE_DIALECTS)('consent ledger on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let ledger: ConsentLedgerRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    ledger = new ConsentLedgerRepository(dataSource);
  });

  it('has no drift between the migration and the entity', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('records entries all or none, finishes them through the outbox, and lists a customer in log order', async () => {
    await ledger.record([consent('c-1', 'cust-1', 1), consent('c-2', 'cust-1', 2)]);
    await expect(ledger.record([consent('c-3', 'cust-1', 3), consent('c-1', 'cust-1', 3)])).rejects.toThrow();
    await expect(ledger.find('c-3')).resolves.toBeNull();
    expect((await ledger.unfinished()).map((entry) => entry.entryId)).toEqual(['c-1', 'c-2']);

    await ledger.markPublished([{ entryId: 'c-2', partition: 3, offset: 40 }, { entryId: 'c-1', partition: 3, offset: 41 }], 10);
    await ledger.markAudited(['c-2'], 11);
    expect((await ledger.unfinished()).map((entry) => entry.entryId)).toEqual(['c-1']);
    await ledger.record([consent('c-4', 'cust-1', 4)]);
    expect((await ledger.ofCustomer('cust-1')).map((entry) => [entry.entryId, entry.logOffset])).toEqual([
      ['c-2', 40],
      ['c-1', 41],
      ['c-4', null],
    ]);
  });

  it('keeps one objection per customer and scope', async () => {
    await expect(ledger.recordObjection(objection('o-1', 'cust-2'))).resolves.toMatchObject({ created: true, entry: { entryId: 'o-1' } });
    await expect(ledger.recordObjection(objection('o-2', 'cust-2'))).resolves.toMatchObject({ created: false, entry: { entryId: 'o-1' } });
    const both = await Promise.all([ledger.recordObjection(objection('o-3', 'cust-3')), ledger.recordObjection(objection('o-4', 'cust-3'))]);
    expect(both.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(both.map((result) => result.entry.entryId)).size).toBe(1);
  });

  it('forgets a customer', async () => {
    await expect(ledger.forgetCustomer('cust-1')).resolves.toBe(3);
    await expect(ledger.ofCustomer('cust-1')).resolves.toEqual([]);
  });
});

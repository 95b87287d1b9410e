import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { EventIndexRepository } from '../repositories/event-index.repository';
import { CustomerEventIndexRepository } from './customer-event-index.repository';
import type { ReviewCaseRow } from './data-subject-rights-tables.entity';
import { ReviewCaseRepository } from './review-case.repository';

function reviewCase(id: string, overrides: Partial<ReviewCaseRow> = {}): ReviewCaseRow {
  return {
    id,
    customerId: 'c-1',
    decisionId: `d-${id}`,
    statement: null,
    status: 'open',
    outcome: null,
    openedBy: 'p-dpo',
    openedAtMs: 1_000,
    reviewerId: null,
    reviewStartedAtMs: null,
    decidedBy: null,
    decidedAtMs: null,
    decisionNote: null,
    version: 1,
    ...overrides,
  };
}

describe.each(STORAGE_DIALECTS)('data-subject-rights tables on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  beforeAll(() => (dataSource = database.dataSource()));

  it('has no drift between the review-case entity and its migration', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('pages review cases oldest first by a keyset cursor, filtered by status', async () => {
    const cases = new ReviewCaseRepository(dataSource);
    for (let i = 0; i < 7; i++) await cases.insert(reviewCase(`r-${i}`, { openedAtMs: 1_000 + Math.floor(i / 2), status: i % 3 === 0 ? 'decided' : 'open' }));
    const seen: string[] = [];
    let after: { openedAtMs: number; id: string } | undefined;
    for (;;) {
      const page = await cases.page({ limit: 2, after });
      if (page.length === 0) break;
      seen.push(...page.map((row) => row.id));
      const last = page[page.length - 1];
      after = { openedAtMs: last.openedAtMs, id: last.id };
    }
    expect(seen).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6']);
    await expect(cases.page({ limit: 10, status: 'decided' })).resolves.toEqual([
      expect.objectContaining({ id: 'r-0' }),
      expect.objectContaining({ id: 'r-3' }),
      expect.objectContaining({ id: 'r-6' }),
    ]);
  });

  it('changes a case only at the version it was read, and finds the undecided case of a decision', async () => {
    const cases = new ReviewCaseRepository(dataSource);
    await cases.insert(reviewCase('v-1', { customerId: 'c-v', decisionId: 'd-v' }));
    await expect(cases.findUndecided('c-v', 'd-v')).resolves.toEqual(expect.objectContaining({ id: 'v-1' }));
    await expect(cases.update('v-1', 1, { status: 'in_review', reviewerId: 'p-2', reviewStartedAtMs: 5 })).resolves.toBe(true);
    await expect(cases.update('v-1', 1, { status: 'decided' })).resolves.toBe(false);
    await expect(cases.update('v-1', 2, { status: 'decided', outcome: 'upheld', decidedBy: 'p-2', decidedAtMs: 90_000 })).resolves.toBe(true);
    await expect(cases.find('v-1')).resolves.toEqual(expect.objectContaining({ status: 'decided', version: 3, decidedAtMs: 90_000 }));
    await expect(cases.findUndecided('c-v', 'd-v')).resolves.toBeNull();
  });

  it('ages out decided cases only, and erases a customer\'s cases', async () => {
    const cases = new ReviewCaseRepository(dataSource);
    await cases.insert(reviewCase('a-1', { customerId: 'c-a', status: 'decided', decidedAtMs: 100 }));
    await cases.insert(reviewCase('a-2', { customerId: 'c-a', status: 'decided', decidedAtMs: 10_000 }));
    await cases.insert(reviewCase('a-3', { customerId: 'c-a', status: 'open', openedAtMs: 1 }));
    await expect(cases.deleteDecidedBefore(5_000)).resolves.toBe(1);
    await expect(cases.forCustomer('c-a')).resolves.toEqual([expect.objectContaining({ id: 'a-3' }), expect.objectContaining({ id: 'a-2' })]);
    await expect(cases.deleteForCustomer('c-a')).resolves.toBe(2);
    await expect(cases.forCustomer('c-a')).resolves.toEqual([]);
  });

  it("locates a customer's events in the event index, in partition and offset order", async () => {
    const index = new EventIndexRepository(dataSource);
    const at = (eventId: string, customerId: string, offset: number) => ({ eventId, customerId, type: 'login', partition: 2, offset, receivedAtMs: 1, storedAtMs: 2 });
    await index.record([at('x-2', 'c-x', 9), at('x-1', 'c-x', 3), at('y-1', 'c-y', 4)]);
    const found = await new CustomerEventIndexRepository(dataSource).locateCustomer('c-x');
    expect(found.map((l) => [l.eventId, l.offset])).toEqual([
      ['x-1', 3],
      ['x-2', 9],
    ]);
  });
});

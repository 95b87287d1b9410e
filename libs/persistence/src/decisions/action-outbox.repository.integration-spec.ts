import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { ActionOutboxRepository, type NewOutboxEntry } from './action-outbox.repository';

const entry = (decisionId: string, actionId: string, overrides: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  decisionId,
  actionId,
  actionVersion: 1,
  channel: 'email',
  customerId: 'c-1',
  rank: 1,
  priority: 12.5,
  contentRef: 'card-offer',
  contentVersion: 'rev-3',
  campaignId: null,
  variantId: null,
  decidedAtMs: 1_000,
  createdAtMs: 1_000,
  ...overrides,
});

describe.each(STORAGE_DIALECTS)('action outbox on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let outbox: ActionOutboxRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    outbox = new ActionOutboxRepository(dataSource);
  });

  it('has no drift between the decisions migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('writes an emit whole and ignores a re-emit of the same decision', async () => {
    const first = await outbox.insertAll([entry('d-1', 'a-1'), entry('d-1', 'a-2', { channel: 'sms' })]);
    expect(first).toHaveLength(2);
    const again = await outbox.insertAll([entry('d-1', 'a-1', { createdAtMs: 2_000 }), entry('d-2', 'a-1')]);
    expect(again.map((e) => e.decisionId)).toEqual(['d-2']);
    expect(await outbox.countByStatus()).toEqual({ pending: 3, published: 0, delivered: 0, cancelled: 0 });
    expect((await outbox.find('d-1', 'a-1'))?.createdAtMs).toBe(1_000);
  });

  it('stores nothing of an emit whose transaction aborts', async () => {
    await expect(
      outbox.insertAll([entry('d-rolled', 'a-1')], () => {
        throw new Error('decision aborted');
      }),
    ).rejects.toThrow('decision aborted');
    expect(await outbox.find('d-rolled', 'a-1')).toBeNull();
  });

  it('publishes due rows in id order, numbers them into the feed and backs failures off', async () => {
    const due = await outbox.due(1_000, 10);
    expect(due.map((row) => `${row.decisionId}/${row.actionId}`)).toEqual(['d-1/a-1', 'd-1/a-2', 'd-2/a-1']);
    await outbox.markFailed(due[1]!.id, 1, 5_000, 'webhook answered 503');
    await outbox.markPublished([due[0]!.id, due[2]!.id], 1_100);
    await outbox.markPublished([due[0]!.id], 1_200); // a second dispatcher's late mark changes nothing
    expect((await outbox.due(1_000, 10)).length).toBe(0);
    expect((await outbox.due(5_000, 10)).map((row) => row.attempts)).toEqual([1]);
    const feed = await outbox.feed('email', 0, 10);
    expect(feed.map((row) => [row.decisionId, row.publishedSeq, row.publishedAtMs])).toEqual([
      ['d-1', 1, 1_100],
      ['d-2', 2, 1_100],
    ]);
    expect(await outbox.feed('email', 1, 10)).toHaveLength(1);
    expect(await outbox.feed('sms', 0, 10)).toHaveLength(0);
  });

  it('records each response once; a delivered row is never due again', async () => {
    const pending = (await outbox.due(5_000, 10))[0]!;
    expect(await outbox.recordResponse(pending.decisionId, pending.actionId, 'delivered', 6_000)).toMatchObject({ status: 'delivered', deliveredAtMs: 6_000 });
    expect(await outbox.recordResponse(pending.decisionId, pending.actionId, 'delivered', 7_000)).toBeNull();
    expect(await outbox.recordResponse('d-1', 'a-1', 'clicked', 6_500)).toMatchObject({ clickedAtMs: 6_500, status: 'published' });
    expect(await outbox.due(10_000, 10)).toHaveLength(0);
    expect((await outbox.createdSince(0, 10, 'c-1')).length).toBe(3);
  });
});

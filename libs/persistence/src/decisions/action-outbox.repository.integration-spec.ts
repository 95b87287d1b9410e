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

  it('claims a due row for one claimant at a time, until its lease runs out or the row is settled', async () => {
    await outbox.insertAll([entry('d-claim-1', 'a-1', { createdAtMs: 20_000 }), entry('d-claim-2', 'a-1', { createdAtMs: 20_000 })]);
    const mine = await outbox.claimDue('process-a', 20_000, 1_000, 10);
    expect(mine.map((row) => [row.decisionId, row.claimedBy, row.leaseUntilMs])).toEqual([
      ['d-claim-1', 'process-a', 21_000],
      ['d-claim-2', 'process-a', 21_000],
    ]);
    // Held: not for another claimant; the holder itself (restarted under the same name) takes its rows back.
    expect(await outbox.claimDue('process-b', 20_999, 1_000, 10)).toEqual([]);
    expect((await outbox.claimDue('process-a', 20_500, 1_000, 1)).map((row) => row.leaseUntilMs)).toEqual([21_500]);
    // Ran out: anyone may claim. d-claim-2 still holds its first lease and is claimable from 21,000.
    expect((await outbox.claimDue('process-b', 21_000, 1_000, 10)).map((row) => row.decisionId)).toEqual(['d-claim-2']);
    expect((await outbox.claimDue('process-c', 21_500, 1_000, 10)).map((row) => row.decisionId)).toEqual(['d-claim-1']);
    // Settling frees the claim: a failed row is due again at its next attempt, a released one at once.
    const [first, second] = await outbox.claimDue('process-b', 30_000, 60_000, 10);
    await outbox.markFailed(first!.id, 1, 30_100, 'webhook answered 503');
    await outbox.release([second!.id], 'process-a'); // not process-a's claim: nothing changes
    expect(await outbox.claimDue('process-c', 30_100, 1_000, 10)).toMatchObject([{ decisionId: 'd-claim-1', attempts: 1 }]);
    await outbox.release([second!.id], 'process-b');
    expect(await outbox.claimDue('process-d', 30_100, 1_000, 10)).toMatchObject([{ decisionId: 'd-claim-2', claimedBy: 'process-d' }]);
    await outbox.markPublished([first!.id, second!.id], 30_200);
    expect((await outbox.createdSince(20_000, 10)).map((row) => [row.status, row.claimedBy, row.leaseUntilMs])).toEqual([
      ['published', null, null],
      ['published', null, null],
    ]);
  });

  it('gives each due row to one of many concurrent claimants', async () => {
    await outbox.insertAll(Array.from({ length: 60 }, (_unused, i) => entry(`d-race-${i}`, 'a-1', { createdAtMs: 40_000 })));
    const claims = await Promise.all(Array.from({ length: 8 }, (_unused, c) => outbox.claimDue(`racer-${c}`, 40_000, 10_000, 10)));
    const ids = claims.flat().map((row) => row.decisionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(60);
    claims.forEach((rows, c) => expect(rows.every((row) => row.claimedBy === `racer-${c}`)).toBe(true));
  });
});

import { ActionOutboxRepository, type NewOutboxEntry, type OutboxEntry } from '@kairos/persistence';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import type { ChannelPublisher } from './delivery/channel-publisher';
import { DEFAULT_OUTBOX_LEASE_MS, OutboxDispatcher } from './outbox-dispatcher';
import { messageIdOf } from './outbox-message';

/**
 * Dispatchers of several processes over one outbox table: each due row is claimed by one of them and published once;
 * a row a dispatcher claimed before it died goes out once its lease has run out. The clock is the test's, so the
 * lease ends exactly when the test says.
 */
const ROWS = 120;
const CRASHED_ROWS = 9;
const LEASE_MS = 5_000;

function row(i: number): NewOutboxEntry {
  return {
    decisionId: `claim-d-${i}`,
    actionId: 'card-offer',
    actionVersion: 1,
    channel: i % 3 === 0 ? 'sms' : 'email',
    customerId: `claim-c-${i % 17}`,
    rank: 1,
    priority: 1,
    contentRef: 'card-offer',
    contentVersion: null,
    campaignId: null,
    variantId: null,
    decidedAtMs: 1_000,
    createdAtMs: 1_000,
  };
}

describe.each(STORAGE_DIALECTS)('outbox claims on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let now = 10_000;
  const publishedBy = new Map<string, string[]>();
  /** A channel that yields between receiving and answering, so the other dispatcher's claims interleave. */
  const recording = (dispatcher: string): ChannelPublisher => ({
    kind: 'kafka',
    publish: async (entries: readonly OutboxEntry[]) => {
      await new Promise((resolve) => setImmediate(resolve));
      for (const entry of entries) {
        const id = messageIdOf(entry.decisionId, entry.actionId);
        publishedBy.set(id, [...(publishedBy.get(id) ?? []), dispatcher]);
      }
      return entries.map(() => null);
    },
  });
  const dispatcher = (name: string, repository: ActionOutboxRepository) =>
    new OutboxDispatcher({ repository, publisherFor: () => recording(name), clock: () => now, batchSize: 4, leaseMs: LEASE_MS, claimant: name });

  it('two dispatchers publish every row exactly once; a dead dispatcher’s claim is published after its lease', async () => {
    // Two repositories (on PostgreSQL, claims run on different pooled connections at once).
    const [a, b] = [new ActionOutboxRepository(database.dataSource()), new ActionOutboxRepository(database.dataSource())];
    await a.insertAll(Array.from({ length: ROWS }, (_unused, i) => row(i)));
    // A dispatcher claims the oldest rows and dies before publishing them.
    const orphaned = await a.claimDue('crashed-process', now, LEASE_MS, CRASHED_ROWS);
    expect(orphaned.map((entry) => entry.decisionId)).toEqual(Array.from({ length: CRASHED_ROWS }, (_unused, i) => `claim-d-${i}`));

    const [first, second] = [dispatcher('dispatcher-a', a), dispatcher('dispatcher-b', b)];
    const published = await Promise.all([first.drain(), second.drain()]);
    expect(published[0] + published[1]).toBe(ROWS - CRASHED_ROWS);
    expect(published.every((count) => count > 0)).toBe(true);
    expect(publishedBy.size).toBe(ROWS - CRASHED_ROWS);
    expect(orphaned.filter((entry) => publishedBy.has(messageIdOf(entry.decisionId, entry.actionId)))).toEqual([]);
    await expect(a.countByStatus()).resolves.toMatchObject({ pending: CRASHED_ROWS, published: ROWS - CRASHED_ROWS });

    // Within the lease nobody touches the dead dispatcher's rows; once it ran out, they go out once.
    now += LEASE_MS - 1;
    await expect(Promise.all([first.drain(), second.drain()])).resolves.toEqual([0, 0]);
    now += 1;
    const late = await Promise.all([first.drain(), second.drain()]);
    expect(late[0] + late[1]).toBe(CRASHED_ROWS);

    expect(publishedBy.size).toBe(ROWS);
    expect([...publishedBy.values()].filter((by) => by.length !== 1)).toEqual([]);
    await expect(a.countByStatus()).resolves.toEqual({ pending: 0, published: ROWS, delivered: 0, cancelled: 0 });
    const rows = await a.createdSince(0, ROWS);
    expect(rows.filter((entry) => entry.claimedBy !== null || entry.leaseUntilMs !== null)).toEqual([]);
  });

  it('publishes a row emitted during a slow publish on its second lane, without waiting for that publish', async () => {
    const outbox = new ActionOutboxRepository(database.dataSource());
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const published: string[] = [];
    let firstPublishStarted!: () => void;
    const firstStarted = new Promise<void>((resolve) => (firstPublishStarted = resolve));
    const publisher: ChannelPublisher = {
      kind: 'kafka',
      publish: async (entries: readonly OutboxEntry[]) => {
        if (entries.some((entry) => entry.decisionId === 'lane-d-0')) {
          firstPublishStarted();
          await slow;
        }
        published.push(...entries.map((entry) => entry.decisionId));
        return entries.map(() => null);
      },
    };
    const lanes = new OutboxDispatcher({ repository: outbox, publisherFor: () => publisher, clock: () => now, pollMs: 60_000, claimant: 'lanes' });
    lanes.start();
    await outbox.insertAll([{ ...row(0), decisionId: 'lane-d-0' }]);
    lanes.nudge();
    await firstStarted;

    await outbox.insertAll([{ ...row(1), decisionId: 'lane-d-1' }]);
    lanes.nudge();
    const deadline = Date.now() + 5_000;
    while (!published.includes('lane-d-1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(published).toEqual(['lane-d-1']);

    release();
    await lanes.stop();
    expect(published).toEqual(['lane-d-1', 'lane-d-0']);
    const rows = (await outbox.createdSince(0, 1_000)).filter((entry) => entry.decisionId.startsWith('lane-'));
    expect(rows.map((entry) => [entry.status, entry.claimedBy])).toEqual([
      ['published', null],
      ['published', null],
    ]);
  });
  it('publishes an emit’s rows on the direct lane: written claimed, handed over after the commit, no pass claiming them', async () => {
    const outbox = new ActionOutboxRepository(database.dataSource());
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const published: [string, string | null][] = [];
    const publisher: ChannelPublisher = {
      kind: 'kafka',
      publish: async (entries: readonly OutboxEntry[]) => {
        if (entries.some((entry) => entry.decisionId === 'direct-d-0')) await slow;
        published.push(...entries.map((entry): [string, string | null] => [entry.decisionId, entry.claimedBy]));
        return entries.map(() => null);
      },
    };
    const until = async (decisionId: string) => {
      const deadline = Date.now() + 5_000;
      while (!published.some(([id]) => id === decisionId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    // An earlier life of this name died holding a row on its direct lane: the first pass of the next life takes it back.
    await outbox.insertAll([{ ...row(0), decisionId: 'direct-leftover' }], undefined, { claimant: 'direct~d', leaseUntilMs: now + 60_000 });
    const lanes = new OutboxDispatcher({ repository: outbox, publisherFor: () => publisher, clock: () => now, pollMs: 60_000, claimant: 'direct' });
    expect(lanes.claimForEmit()).toBeNull();
    lanes.start();
    await lanes.whenRecovered();
    await until('direct-leftover');

    const claim = lanes.claimForEmit();
    expect(claim).toEqual({ claimant: 'direct~d', leaseUntilMs: now + DEFAULT_OUTBOX_LEASE_MS });
    expect(lanes.claimForEmit()).toBeNull();
    const deferred = { ...row(1), decisionId: 'direct-deferred', notBeforeMs: now + 3_600_000 };
    const written = await outbox.insertAll([{ ...row(1), decisionId: 'direct-d-0' }, deferred], undefined, claim!);
    // Only the row due now is claimed; the deferred one waits unclaimed for the pass that finds it due.
    expect(written.map((entry) => [entry.decisionId, entry.claimedBy])).toEqual([
      ['direct-d-0', 'direct~d'],
      ['direct-deferred', null],
    ]);
    lanes.emitted(claim, written);
    // While the direct lane waits for the slow channel, the next emit gets no claim: written unclaimed, a pass takes it.
    expect(lanes.claimForEmit()).toBeNull();
    lanes.emitted(null, await outbox.insertAll([{ ...row(2), decisionId: 'direct-d-1' }]));
    await until('direct-d-1');
    release();
    await lanes.stop();

    // The second emit went by a pass: the polling lane, or the overtaking one if the first pass was still marking.
    expect(published).toEqual([
      ['direct-leftover', 'direct'],
      ['direct-d-1', expect.stringMatching(/^direct(~1)?$/)],
      ['direct-d-0', 'direct~d'],
    ]);
    const rows = (await outbox.createdSince(0, 1_000)).filter((entry) => entry.decisionId.startsWith('direct-'));
    expect(rows.map((entry) => [entry.decisionId, entry.status, entry.claimedBy])).toEqual([
      ['direct-leftover', 'published', null],
      ['direct-d-0', 'published', null],
      ['direct-deferred', 'pending', null],
      ['direct-d-1', 'published', null],
    ]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CustomerEvent, LoggedEvent, partitionForCustomer } from '@kairos/contracts';
import type { LogConsumer, PartitionConsumerHandler } from '../event-log.port';
import { EmbeddedEventLog } from './embedded-event-log';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23);

function event(id: string, customerId: string, receivedAtMs: number): CustomerEvent {
  return {
    id,
    type: 'login',
    customerId,
    occurredAt: new Date(receivedAtMs - 1000).toISOString(),
    occurredAtMs: receivedAtMs - 1000,
    receivedAtMs,
    source: 'web',
    data: { channel: 'web' },
  };
}

/** Plays a partition owner: applies everything, and commits (as after a snapshot) only when told. */
class CommittingHandler implements PartitionConsumerHandler {
  readonly applied = new Map<number, number>();
  async onAssigned(partitions: readonly number[]) {
    return new Map(partitions.map((p) => [p, 0]));
  }
  async onRevoked() {}
  async onRecords(partition: number, records: readonly LoggedEvent[]) {
    this.applied.set(partition, records[records.length - 1].offset + 1);
  }
}

async function countRows(dir: string): Promise<{ total: number; olderThan: (cutoff: number) => number }> {
  const db = new Database(join(dir, 'log.db'), { readonly: true });
  try {
    const total = db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
    const old = db.prepare('SELECT received_at FROM events').pluck().all() as number[];
    return { total, olderThan: (cutoff) => old.filter((at) => at < cutoff).length };
  } finally {
    db.close();
  }
}

describe('EmbeddedEventLog retention and per-customer reads', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kairos-log-retention-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads exactly one customer's events, in offset order, before and after a restart", async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 4, synchronous: 'normal' });
    const customers = Array.from({ length: 20 }, (_, c) => `cust-${c}`);
    await log.append(Array.from({ length: 200 }, (_, i) => event(`e-${i}`, customers[i % 20], NOW + i)));
    const mine = await log.readCustomer('cust-7');
    expect(mine.map((r) => r.event.id)).toEqual(Array.from({ length: 10 }, (_, k) => `e-${7 + 20 * k}`));
    expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([partitionForCustomer('cust-7', 4)]));
    expect(mine.map((r) => r.offset)).toEqual([...mine.map((r) => r.offset)].sort((a, b) => a - b));
    await log.close();
    const reopened = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 4 });
    await expect(reopened.readCustomer('cust-7')).resolves.toEqual(mine);
    await expect(reopened.readCustomer('cust-unknown')).resolves.toEqual([]);
    await reopened.close();
  });

  it('keeps every record when no consumer group ever consumed the log, and says how many it held back', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 2, synchronous: 'normal' });
    await log.append(Array.from({ length: 50 }, (_, i) => event(`e-${i}`, `c-${i % 5}`, NOW - 40 * DAY + i)));
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual({ kind: 'purged', cutoffMs: NOW - 30 * DAY, deleted: 0, heldBack: 50 });
    await log.close();
    expect((await countRows(dir)).total).toBe(50);
  });

  it('deletes only what is past the window AND committed by every group; keepFrom holds more back', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    // 0..59 are 40 days old, 60..79 are 10 days old.
    await log.append(Array.from({ length: 80 }, (_, i) => event(`e-${i}`, `c-${i % 3}`, i < 60 ? NOW - 40 * DAY + i : NOW - 10 * DAY + i)));
    const handler = new CommittingHandler();
    const consumer: LogConsumer = await log.consume('workers', handler);
    await (consumer as unknown as { drained(): Promise<void> }).drained();

    // The live group has applied everything but committed nothing: its durable state reflects none of it.
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual(expect.objectContaining({ deleted: 0, heldBack: 60 }));

    await consumer.commit(0, 25);
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual(expect.objectContaining({ deleted: 25, heldBack: 35 }));

    await consumer.commit(0, 80);
    const keepFrom = new Map([[0, 50]]);
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW, keepFrom })).resolves.toEqual(expect.objectContaining({ deleted: 25, heldBack: 10 }));
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual(expect.objectContaining({ deleted: 10, heldBack: 0 }));
    await expect(log.read(0, 0, 1000)).resolves.toHaveLength(20);
    await log.close();

    const rows = await countRows(dir);
    expect(rows.total).toBe(20);
    expect(rows.olderThan(NOW - 30 * DAY)).toBe(0);
  });

  it('a group that stopped consuming still holds what it never committed, across a restart', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    await log.append(Array.from({ length: 30 }, (_, i) => event(`e-${i}`, 'c-1', NOW - 40 * DAY + i)));
    const fast = await log.consume('fast', new CommittingHandler());
    const slow = await log.consume('slow', new CommittingHandler());
    await fast.commit(0, 30);
    await slow.commit(0, 10);
    await slow.stop();
    await log.close();

    const reopened = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    await expect(reopened.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual(expect.objectContaining({ deleted: 10, heldBack: 20 }));
    await reopened.close();
  });

  it('never hands out an offset again after a partition was purged empty and the log restarted', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    await log.append(Array.from({ length: 12 }, (_, i) => event(`e-${i}`, 'c-1', NOW - 40 * DAY + i)));
    const consumer = await log.consume('workers', new CommittingHandler());
    await consumer.commit(0, 12);
    await expect(log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW })).resolves.toEqual(expect.objectContaining({ deleted: 12 }));
    await log.close();

    const reopened = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    const [outcome] = await reopened.append([event('e-new', 'c-1', NOW)]);
    expect(outcome).toEqual({ status: 'appended', partition: 0, offset: 12 });
    await reopened.close();
  });

  it('loses no append that arrives while a large purge runs', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 2, synchronous: 'normal' });
    for (let b = 0; b < 6; b++) await log.append(Array.from({ length: 2_000 }, (_, i) => event(`old-${b}-${i}`, `c-${i % 50}`, NOW - 40 * DAY + b * 2_000 + i)));
    const consumer = await log.consume('workers', new CommittingHandler());
    await consumer.commit(0, 1_000_000);
    await consumer.commit(1, 1_000_000);
    const purge = log.enforceRetention({ retentionMs: 30 * DAY, nowMs: NOW });
    const appends = Array.from({ length: 20 }, (_, b) => log.append(Array.from({ length: 50 }, (_, i) => event(`new-${b}-${i}`, `c-${i}`, NOW + b * 50 + i))));
    const [report, outcomes] = await Promise.all([purge, Promise.all(appends)]);
    expect(report).toEqual(expect.objectContaining({ deleted: 12_000, heldBack: 0 }));
    expect(outcomes.flat().every((o) => o.status === 'appended')).toBe(true);
    const left = (await log.read(0, 0, 100_000)).length + (await log.read(1, 0, 100_000)).length;
    expect(left).toBe(1_000);
    await log.close();
  });

  it('upgrades a version-1 log file in place: records kept, customer reads and retention work', async () => {
    const db = new Database(join(dir, 'log.db'));
    db.exec(`
      CREATE TABLE log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE events (partition INTEGER NOT NULL, offset INTEGER NOT NULL, id TEXT NOT NULL, customer_id TEXT NOT NULL, type TEXT NOT NULL,
        received_at INTEGER NOT NULL, stored_at INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (partition, offset)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_id ON events (id);
      CREATE TABLE consumer_offsets (group_id TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (group_id, partition));
    `);
    db.prepare("INSERT INTO log_meta VALUES ('partitions', '1')").run();
    const insert = db.prepare('INSERT INTO events VALUES (0, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 5; i++) {
      const e = event(`v1-${i}`, i % 2 === 0 ? 'c-even' : 'c-odd', NOW + i);
      insert.run(i, e.id, e.customerId, e.type, e.receivedAtMs, e.receivedAtMs, JSON.stringify(e));
    }
    db.pragma('user_version = 1');
    db.close();

    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    await expect(log.readCustomer('c-even')).resolves.toHaveLength(3);
    const [outcome] = await log.append([event('v2-0', 'c-even', NOW + 10)]);
    expect(outcome.offset).toBe(5);
    await log.close();
  });
});

import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, TEST_POSTGRES_URL, useFreshDatabase } from '@kairos/testing';
import { openDatabase, pendingSchemaChanges } from '../data-source';
import { ChannelCapacityWindowRepository } from './channel-capacity-window.repository';

const WINDOW = { channel: 'sms', windowStartMs: 60_000 };

describe.each(STORAGE_DIALECTS)('channel capacity windows on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let windows: ChannelCapacityWindowRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    windows = new ChannelCapacityWindowRepository(dataSource);
  });

  it('has no drift between the capacity migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('grants what is left of a window and nothing beyond it, per channel and window', async () => {
    await expect(windows.claim(WINDOW, 10, 4, 1)).resolves.toEqual({ granted: 4, used: 4 });
    await expect(windows.claim(WINDOW, 10, 9, 2)).resolves.toEqual({ granted: 6, used: 10 });
    await expect(windows.claim(WINDOW, 10, 1, 3)).resolves.toEqual({ granted: 0, used: 10 });
    await expect(windows.claim({ ...WINDOW, windowStartMs: 120_000 }, 10, 3, 4)).resolves.toEqual({ granted: 3, used: 3 });
    await expect(windows.usage([WINDOW, { channel: 'email', windowStartMs: 60_000 }])).resolves.toEqual(new Map([['sms', 10], ['email', 0]]));
    await expect(windows.prune(120_000)).resolves.toBe(1);
    await expect(windows.usage([WINDOW])).resolves.toEqual(new Map([['sms', 0]]));
  });

  it('never grants more than the capacity to claims racing from two connections', async () => {
    // PostgreSQL: a second pool on the same schema stands for a second process; SQLite has one writer per file.
    const schema = database.schema();
    const second = dialect === 'postgres' && schema ? await openDatabase({ dialect, url: TEST_POSTGRES_URL, schema }) : dataSource;
    try {
      const key = { channel: 'push', windowStartMs: 0 };
      const racers = [windows, new ChannelCapacityWindowRepository(second)];
      const grants = await Promise.all(Array.from({ length: 40 }, (_unused, i) => racers[i % 2]!.claim(key, 50, 3, i)));
      expect(grants.reduce((sum, grant) => sum + grant.granted, 0)).toBe(50);
      expect(Math.max(...grants.map((grant) => grant.used))).toBe(50);
    } finally {
      if (second !== dataSource) await second.destroy();
    }
  });
});

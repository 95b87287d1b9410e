import { DataSource, In, LessThan } from 'typeorm';
import type { ChannelCapacityWindowRow } from './campaigns-tables.entity';

/** One window of one channel to read or claim from. */
export interface CapacityWindowKey {
  readonly channel: string;
  readonly windowStartMs: number;
}

/**
 * The cluster-wide channel budgets: one row per (channel, window). `claim` takes up to `wanted` slots of a window
 * atomically — the row is created if missing, then locked (PostgreSQL `FOR UPDATE`; SQLite has one writer) while
 * the grant is computed and written — so processes claiming at once never hand out more than the capacity.
 */
export class ChannelCapacityWindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Grants min(wanted, capacity − used) slots; returns the grant and the window's use after it. */
  async claim(key: CapacityWindowKey, capacity: number, wanted: number, nowMs: number): Promise<{ granted: number; used: number }> {
    const postgres = this.dataSource.options.type === 'postgres';
    return this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into('ChannelCapacityWindow').values({ channel: key.channel, windowStartMs: key.windowStartMs, used: 0, updatedAtMs: nowMs }).orIgnore().execute();
      const query = manager.getRepository<ChannelCapacityWindowRow>('ChannelCapacityWindow').createQueryBuilder('w').where('w.channel = :channel AND w.windowStartMs = :start', { channel: key.channel, start: key.windowStartMs });
      const row = await (postgres ? query.setLock('pessimistic_write') : query).getOneOrFail();
      const granted = Math.max(0, Math.min(wanted, capacity - row.used));
      if (granted > 0) await manager.getRepository<ChannelCapacityWindowRow>('ChannelCapacityWindow').update({ channel: key.channel, windowStartMs: key.windowStartMs }, { used: row.used + granted, updatedAtMs: nowMs });
      return { granted, used: row.used + granted };
    });
  }

  /** Use of the given windows (0 where no process claimed yet). */
  async usage(keys: readonly CapacityWindowKey[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (keys.length === 0) return out;
    const rows = await this.dataSource.getRepository<ChannelCapacityWindowRow>('ChannelCapacityWindow').find({ where: { channel: In(keys.map((k) => k.channel)), windowStartMs: In([...new Set(keys.map((k) => k.windowStartMs))]) } });
    for (const key of keys) out.set(key.channel, rows.find((r) => r.channel === key.channel && r.windowStartMs === key.windowStartMs)?.used ?? 0);
    return out;
  }

  /** Drops windows that ended before `beforeMs` (they no longer limit anything). */
  async prune(beforeMs: number): Promise<number> {
    const result = await this.dataSource.getRepository<ChannelCapacityWindowRow>('ChannelCapacityWindow').delete({ windowStartMs: LessThan(beforeMs) });
    return result.affected ?? 0;
  }
}

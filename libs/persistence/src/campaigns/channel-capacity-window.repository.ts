import { DataSource, In, LessThan } from 'typeorm';
import { quotedTable } from '../audit/audit-record-sql';
import type { ChannelCapacityWindowRow } from './campaigns-tables.entity';

/** One window of one channel to read or claim from. */
export interface CapacityWindowKey {
  readonly channel: string;
  readonly windowStartMs: number;
}

/**
 * The cluster-wide channel budgets: one row per (channel, window). `claim` takes up to `wanted` slots of a window
 * atomically, so processes claiming at once never hand out more than the capacity.
 */
export class ChannelCapacityWindowRepository {
  private readonly claimSql: PositionalStatement;

  constructor(private readonly dataSource: DataSource) {
    const dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    this.claimSql = claimStatement(dialect, quotedTable(dataSource.getMetadata('ChannelCapacityWindow').tablePath));
  }

  /** Grants min(wanted, capacity − used) slots; returns the grant and the window's use after it. */
  async claim(key: CapacityWindowKey, capacity: number, wanted: number, nowMs: number): Promise<{ granted: number; used: number }> {
    const values = [key.channel, key.windowStartMs, Math.max(0, wanted), Math.max(0, capacity), nowMs];
    const [row] = (await this.dataSource.query(this.claimSql.sql, this.claimSql.parameterOrder.map((n) => values[n - 1]))) as { used: number | string; granted: number | string }[];
    return { granted: Number(row!.granted), used: Number(row!.used) };
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

/**
 * A claim as ONE upsert (it sits on the path from a trigger fire to its action, once per channel and dispatch):
 * the window's row is created or updated under the row lock the statement itself takes, the grant is computed from
 * the use before it — every SET expression reads the row as it was — and kept in `last_granted`, which RETURNING
 * hands back. Parameters: channel, window start, wanted, capacity, now.
 */
function claimStatement(dialect: 'postgres' | 'sqlite', table: string): PositionalStatement {
  // SQLite's driver binds plain `?` in order: each use of a parameter there is a value of its own.
  const parameterOrder: number[] = [];
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : (parameterOrder.push(n), '?'));
  const number = (column: string) => (dialect === 'postgres' ? `${column}::float8` : column);
  // SQLite's scalar MIN and MAX of several arguments are PostgreSQL's LEAST and GREATEST.
  const [least, greatest] = dialect === 'postgres' ? ['LEAST', 'GREATEST'] : ['MIN', 'MAX'];
  const grant = (used: string) => `${least}(${p(3)}, ${greatest}(0, ${p(4)} - ${used}))`;
  const sql = `INSERT INTO ${table} AS w (channel, window_start_ms, used, last_granted, updated_at_ms)
    VALUES (${p(1)}, ${p(2)}, ${grant('0')}, ${grant('0')}, ${p(5)})
    ON CONFLICT (channel, window_start_ms) DO UPDATE SET used = w.used + ${grant('w.used')}, last_granted = ${grant('w.used')}, updated_at_ms = ${p(5)}
    RETURNING ${number('used')} AS used, ${number('last_granted')} AS granted`;
  return { sql, parameterOrder: dialect === 'postgres' ? [1, 2, 3, 4, 5] : parameterOrder };
}

/** SQL with the 1-based numbers of the values it binds, in binding order. */
interface PositionalStatement {
  readonly sql: string;
  readonly parameterOrder: readonly number[];
}

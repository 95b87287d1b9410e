import { auditRecordOf, chainRecord, encodeAuditContent, type AuditRecord, type StoredAuditRecord } from '@kairos/audit';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../../data-source';
import { auditImmutability } from '../migrations/audit-immutability';

const COLUMNS = ['id', 'chain', 'sequence', 'prev_hash', 'hash', 'kind', 'subject', 'decision_id', 'occurred_at_ms', 'recorded_at_ms', 'body'] as const;
type RawRow = Record<(typeof COLUMNS)[number], unknown>;

/**
 * An attacker with write access to the audit tables — the application's own database role, which owns them — who
 * first drops the append-only triggers and the unique index, then edits rows directly with SQL. `restore` puts the
 * pristine rows and the guards back between trials.
 */
export class AuditTableAttacker {
  private readonly dialect;
  private readonly table: string;
  private readonly schema: string | undefined;
  private pristine: RawRow[] = [];

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
    this.schema = (dataSource.options as { schema?: string }).schema;
    this.table = this.schema ? `"${this.schema}".audit_records` : 'audit_records';
  }

  /** Remembers the current rows as the state `restore` returns to. */
  async snapshot(): Promise<void> {
    this.pristine = await this.sql(`SELECT ${COLUMNS.join(', ')} FROM ${this.table}`);
  }

  async disableGuards(): Promise<void> {
    await this.inOneTransaction(async (sql) => {
      for (const statement of auditImmutability(this.dialect, this.schema).unguard) await sql(statement);
      await sql(this.dialect === 'postgres' ? `DROP INDEX "${this.schema}".audit_records_chain_sequence` : 'DROP INDEX audit_records_chain_sequence');
    });
  }

  async restore(): Promise<void> {
    await this.inOneTransaction(async (sql) => {
      // TRUNCATE on PostgreSQL: a DELETE would leave the dead rows of every trial behind and slow each next one down.
      await sql(this.dialect === 'postgres' ? `TRUNCATE ${this.table}` : `DELETE FROM ${this.table}`);
      for (let i = 0; i < this.pristine.length; i += 200) {
        const chunk = this.pristine.slice(i, i + 200);
        const values = chunk.map(() => `(${COLUMNS.map(() => '?').join(', ')})`).join(', ');
        await sql(`INSERT INTO ${this.table} (${COLUMNS.join(', ')}) VALUES ${values}`, chunk.flatMap((row) => COLUMNS.map((c) => row[c])));
      }
      await sql(`CREATE UNIQUE INDEX audit_records_chain_sequence ON ${this.table} (chain, sequence)`);
      for (const statement of auditImmutability(this.dialect, this.schema).guard) await sql(statement);
    });
  }

  async chainRows(chain: number): Promise<StoredAuditRecord[]> {
    const rows: RawRow[] = await this.sql(`SELECT ${COLUMNS.join(', ')} FROM ${this.table} WHERE chain = ? ORDER BY sequence`, [chain]);
    return rows.map((row) => ({
      id: String(row.id),
      chain: Number(row.chain),
      sequence: Number(row.sequence),
      prevHash: String(row.prev_hash),
      hash: String(row.hash),
      kind: String(row.kind),
      subject: row.subject === null ? null : String(row.subject),
      decisionId: row.decision_id === null ? null : String(row.decision_id),
      occurredAtMs: Number(row.occurred_at_ms),
      recordedAtMs: Number(row.recorded_at_ms),
      body: String(row.body),
    }));
  }

  async setColumn(id: string, column: (typeof COLUMNS)[number], value: unknown): Promise<void> {
    await this.sql(`UPDATE ${this.table} SET ${column} = ? WHERE id = ?`, [value, id]);
  }

  async deleteRows(chain: number, condition: string, params: unknown[]): Promise<void> {
    await this.sql(`DELETE FROM ${this.table} WHERE chain = ? AND ${condition}`, [chain, ...params]);
  }

  async shiftFrom(chain: number, sequence: number): Promise<void> {
    await this.sql(`UPDATE ${this.table} SET sequence = sequence + 1 WHERE chain = ? AND sequence >= ?`, [chain, sequence]);
  }

  async insert(record: StoredAuditRecord): Promise<void> {
    const r = record;
    await this.sql(`INSERT INTO ${this.table} (${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      r.id, r.chain, r.sequence, r.prevHash, r.hash, r.kind, r.subject, r.decisionId, r.occurredAtMs, r.recordedAtMs, r.body,
    ]);
  }

  /** Rewrites stored rows in place (body, hash, link), keeping their ids and places. */
  async rewrite(records: readonly StoredAuditRecord[]): Promise<void> {
    await this.inOneTransaction(async (sql) => {
      for (const r of records) await sql(`UPDATE ${this.table} SET body = ?, hash = ?, prev_hash = ? WHERE id = ?`, [r.body, r.hash, r.prevHash, r.id]);
    });
  }

  private async sql<T = RawRow[]>(text: string, params: unknown[] = []): Promise<T> {
    return this.dataSource.query(this.placeholders(text), params);
  }

  /** DDL and bulk rewrites in one transaction: one commit (one fsync) per step instead of one per statement. */
  private async inOneTransaction(work: (sql: (text: string, params?: unknown[]) => Promise<unknown>) => Promise<void>): Promise<void> {
    await this.dataSource.transaction((manager) => work((text, params = []) => manager.query(this.placeholders(text), params)));
  }

  private placeholders(text: string): string {
    let n = 0;
    return this.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
  }
}

/** A record with the same content as `model` but its own place and hash: what a forger with the code can build. */
export function forgedRecord(model: StoredAuditRecord, placement: { id: string; chain: number; sequence: number; prevHash: string }, change: (record: AuditRecord) => AuditRecord = (r) => r): StoredAuditRecord {
  const { id: _id, chain: _chain, sequence: _sequence, prevHash: _prev, hash: _hash, recordedAtMs, ...content } = change(auditRecordOf(model));
  return chainRecord(encodeAuditContent(content), { ...placement, recordedAtMs });
}

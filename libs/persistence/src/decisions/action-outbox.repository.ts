import { DataSource, In, IsNull, LessThanOrEqual, MoreThan, MoreThanOrEqual, QueryFailedError, Repository, type EntityManager } from 'typeorm';
import { quotedTable } from '../audit/audit-record-sql';
import type { ActionOutboxRow, OutboxStatus } from './decisions-tables.entity';
import { SerialBatches } from './serial-batches';

/** What the sink writes per emitted action; delivery state starts as pending, due now or at `notBeforeMs` (deferred). */
export type NewOutboxEntry = Omit<
  ActionOutboxRow,
  'id' | 'status' | 'attempts' | 'nextAttemptAtMs' | 'lastError' | 'publishedAtMs' | 'publishedSeq' | 'deliveredAtMs' | 'openedAtMs' | 'clickedAtMs' | 'claimedBy' | 'leaseUntilMs'
> & {
  readonly notBeforeMs?: number;
};

export type OutboxEntry = Readonly<ActionOutboxRow>;

/** A dispatcher's claim that rows are written under: nobody else publishes them until the lease ends. */
export interface OutboxClaim {
  readonly claimant: string;
  readonly leaseUntilMs: number;
}

/** A row no longer claimed by anyone (set on every change that ends or postpones an attempt). */
const UNCLAIMED = { claimedBy: null, leaseUntilMs: null } as const;

/** A response event's effect on its outbox row. */
export type OutboxResponse = 'delivered' | 'opened' | 'clicked';

const RESPONSE_COLUMN: Readonly<Record<OutboxResponse, 'deliveredAtMs' | 'openedAtMs' | 'clickedAtMs'>> = {
  delivered: 'deliveredAtMs',
  opened: 'openedAtMs',
  clicked: 'clickedAtMs',
};

/** Rows per INSERT statement. */
const INSERT_CHUNK = 200;

/**
 * A new entry as its pending row: due at its creation, or at its not-before time (deferred). A row due at once is
 * written under `claim` when there is one; a deferred row is left for the pass that finds it due.
 */
function pendingRowOf({ notBeforeMs, ...entry }: NewOutboxEntry, claim: OutboxClaim | undefined) {
  const nextAttemptAtMs = Math.max(entry.createdAtMs, notBeforeMs ?? 0);
  const claimed = claim && nextAttemptAtMs === entry.createdAtMs ? { claimedBy: claim.claimant, leaseUntilMs: claim.leaseUntilMs } : {};
  return { ...entry, status: 'pending' as const, attempts: 0, nextAttemptAtMs, ...claimed };
}

interface PublishedRow {
  readonly id: number;
  readonly nowMs: number;
}

/** Attempts to number a batch into the feed before a concurrent dispatcher's numbering is taken as a fault. */
const FEED_NUMBERING_TRIES = 5;

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driver?.code === '23505' || (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * The action outbox table. Inserts of one emit share a transaction and ignore rows already there (a replayed
 * decision); the dispatcher moves rows pending → published in id order and numbers them into the channel feed.
 */
export class ActionOutboxRepository {
  private readonly rows: Repository<ActionOutboxRow>;
  private readonly dialect: 'postgres' | 'sqlite';
  private readonly claimSql: string;
  private readonly publishSql: string;
  /**
   * Feed numbering, one statement at a time in this process. Two at once (the direct lane and a pass, say) read the
   * same MAX(published_seq) and one failed on the feed's unique index, then waited for a retry: a few times a minute
   * at 5,000 events/s in Kafka mode, each holding its actions back by tens of milliseconds. Other processes can still
   * collide; the retry in publishNumbered covers them.
   */
  private readonly publishing = new SerialBatches<PublishedRow>((rows) => this.publishNumbered(rows));

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository<ActionOutboxRow>('ActionOutbox');
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const table = quotedTable(this.rows.metadata.tablePath);
    this.claimSql = claimStatement(this.dialect, table);
    this.publishSql = publishStatement(this.dialect, table);
  }

  /**
   * Writes every entry in one transaction; resolves after commit. `beforeCommit` runs inside the transaction after
   * the inserts (fault injection in tests: throwing from it rolls everything back). Rows due at once are written
   * under `claim` when given (the dispatcher then publishes them without claiming them first). Returns the rows that
   * were new (not already stored by an earlier emit of the same decision), as stored, in the entries' order.
   */
  async insertAll(entries: readonly NewOutboxEntry[], beforeCommit?: () => void | Promise<void>, claim?: OutboxClaim): Promise<OutboxEntry[]> {
    if (entries.length === 0) return [];
    if (this.dialect === 'postgres' && beforeCommit === undefined && entries.length <= INSERT_CHUNK) return this.insertInOneStatement(entries, claim);
    return this.dataSource.transaction(async (manager) => {
      const known = await this.storedKeys(manager, entries);
      const fresh = entries.filter((entry) => !known.has(keyOf(entry)));
      const values = fresh.map((entry) => pendingRowOf(entry, claim));
      for (let i = 0; i < values.length; i += INSERT_CHUNK) {
        // orIgnore: a concurrent emit of the same decision (another process) makes these no-ops instead of errors.
        await manager.createQueryBuilder().insert().into('ActionOutbox').values(values.slice(i, i + INSERT_CHUNK)).orIgnore().execute();
      }
      await beforeCommit?.();
      if (fresh.length === 0) return [];
      const stored = await manager.getRepository<ActionOutboxRow>('ActionOutbox').find({ where: { decisionId: In([...new Set(fresh.map((entry) => entry.decisionId))]) } });
      return inEntryOrder(fresh, stored);
    });
  }

  /**
   * PostgreSQL: the emit as ONE statement (atomic without a transaction around it), the new rows told apart by
   * RETURNING instead of a lookup first — one round trip where BEGIN, SELECT, INSERT and COMMIT took four, on the
   * path from a trigger fire to its action.
   */
  private async insertInOneStatement(entries: readonly NewOutboxEntry[], claim: OutboxClaim | undefined): Promise<OutboxEntry[]> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into('ActionOutbox')
      .values(entries.map((entry) => pendingRowOf(entry, claim)))
      .orIgnore()
      .returning('*')
      .execute();
    return inEntryOrder(
      entries,
      (result.raw as Record<string, unknown>[]).map((raw) => this.entryOf(raw)),
    );
  }

  /** Pending rows whose next attempt is due, oldest first, claimed or not. */
  async due(nowMs: number, limit: number): Promise<OutboxEntry[]> {
    return this.rows.find({ where: { status: 'pending', nextAttemptAtMs: LessThanOrEqual(nowMs) }, order: { id: 'ASC' }, take: limit });
  }

  /**
   * Claims up to `limit` due rows for `claimant` until `nowMs + leaseMs` and returns them oldest first: pending rows
   * whose next attempt is due and that nobody holds (never claimed, lease run out, or claimed by `claimant` itself,
   * so a restarted process with a stable name takes its rows back at once). While a lease holds, no other claimant
   * gets the row: the claim is one UPDATE, under SQLite's single writer lock, and on PostgreSQL over rows locked
   * with SKIP LOCKED (a concurrent claim takes the next rows instead of waiting, and a row whose lease was just
   * taken fails the re-checked condition).
   */
  async claimDue(claimant: string, nowMs: number, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const claimed = (await runner.query(this.claimSql, [claimant, nowMs + leaseMs, nowMs, nowMs, claimant, limit], true)).records as Record<string, unknown>[];
      return claimed.map((raw) => this.entryOf(raw)).sort((a, b) => a.id - b.id);
    } finally {
      await runner.release();
    }
  }

  /** Gives rows `claimant` still holds back (a pass that failed before it could settle them): due again at once. */
  async release(ids: readonly number[], claimant: string): Promise<void> {
    if (ids.length === 0) return;
    await this.rows.update({ id: In([...ids]), status: 'pending', claimedBy: claimant }, UNCLAIMED);
  }

  /**
   * Gives back every pending row held under these names: at a dispatcher's start, claims under its names are
   * leftovers of a process that stopped before it settled them (a stable name takes them back at once).
   */
  async releaseClaimsOf(claimants: readonly string[]): Promise<void> {
    if (claimants.length === 0) return;
    await this.rows.update({ status: 'pending', claimedBy: In([...claimants]) }, UNCLAIMED);
  }

  /**
   * Marks rows published and numbers them into the feed after every row already there. Rows no longer pending (a
   * concurrent dispatcher, or a delivery report that came first) keep their state. On PostgreSQL two dispatchers
   * numbering at once collide on the unique feed index; the loser renumbers after the winner committed, so feed
   * numbers grow in commit order and a reader's cursor never skips a row.
   */
  async markPublished(ids: readonly number[], nowMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.publishing.submit(ids.map((id) => ({ id, nowMs })));
  }

  /** Rows folded from several callers are stamped with the latest of their times: when the batch was numbered. */
  private async publishNumbered(rows: readonly PublishedRow[]): Promise<void> {
    const ids = rows.map((row) => row.id);
    const nowMs = Math.max(...rows.map((row) => row.nowMs));
    // One statement (the dispatcher waits for it before its next pass): numbering and state change at once.
    const [sql, parameters] = this.dialect === 'postgres' ? [this.publishSql, [nowMs, [...ids]]] : [this.publishSql.replace('(?)', `(${ids.map(() => '?').join(', ')})`), [nowMs, ...ids]];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.query(sql, parameters);
        return;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= FEED_NUMBERING_TRIES) throw error;
      }
    }
  }

  /** A failed publish: count it and wait until `nextAttemptAtMs`. The error text must hold no personal data. */
  async markFailed(id: number, attempts: number, nextAttemptAtMs: number, error: string): Promise<void> {
    await this.rows.update({ id, status: 'pending' }, { attempts, nextAttemptAtMs, lastError: error.slice(0, 200), ...UNCLAIMED });
  }

  /** A pending row that must not go out any more (a deferred action whose consent was withdrawn or that expired). */
  async cancel(id: number, reason: string): Promise<void> {
    await this.rows.update({ id, status: 'pending' }, { status: 'cancelled', lastError: reason.slice(0, 200), ...UNCLAIMED });
  }

  /** The channel feed: published rows of `channel` after the cursor, in feed order. */
  async feed(channel: string, afterSeq: number, limit: number): Promise<OutboxEntry[]> {
    return this.rows.find({ where: { channel, status: In(['published', 'delivered']), publishedSeq: MoreThan(afterSeq) }, order: { publishedSeq: 'ASC' }, take: limit });
  }

  async find(decisionId: string, actionId: string): Promise<OutboxEntry | null> {
    return this.rows.findOne({ where: { decisionId, actionId } });
  }

  /**
   * Records a response (first one wins; repeats change nothing). `delivered` also ends delivery: a row the channel
   * confirmed is never published again. Returns the row when this response was new, else null.
   */
  async recordResponse(decisionId: string, actionId: string, response: OutboxResponse, atMs: number): Promise<OutboxEntry | null> {
    const column = RESPONSE_COLUMN[response];
    const change: Partial<ActionOutboxRow> = { [column]: atMs };
    if (response === 'delivered') change.status = 'delivered';
    const result = await this.rows.update({ decisionId, actionId, [column]: IsNull() }, change);
    if (!result.affected) return null;
    return this.find(decisionId, actionId);
  }

  /** Rows created since `sinceMs` (oldest first, at most `limit`): the contact history to warm up from. */
  async createdSince(sinceMs: number, limit: number, customerId?: string): Promise<OutboxEntry[]> {
    return this.rows.find({ where: { createdAtMs: MoreThanOrEqual(sinceMs), ...(customerId ? { customerId } : {}) }, order: { createdAtMs: 'ASC', id: 'ASC' }, take: limit });
  }

  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const counts: Record<OutboxStatus, number> = { pending: 0, published: 0, delivered: 0, cancelled: 0 };
    const rows = (await this.rows.createQueryBuilder('o').select('o.status', 'status').addSelect('COUNT(*)', 'n').groupBy('o.status').getRawMany()) as { status: OutboxStatus; n: string | number }[];
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** A row as RETURNING gives it (column names, 64-bit values as text on PostgreSQL) → the entity. */
  private entryOf(raw: Record<string, unknown>): OutboxEntry {
    const entry: Record<string, unknown> = {};
    for (const column of this.rows.metadata.columns) {
      const value = raw[column.databaseName];
      const transformer = column.transformer;
      entry[column.propertyName] = transformer && !Array.isArray(transformer) ? transformer.from(value) : value;
    }
    return entry as unknown as OutboxEntry;
  }

  private async storedKeys(manager: EntityManager, entries: readonly NewOutboxEntry[]): Promise<Set<string>> {
    const decisionIds = [...new Set(entries.map((entry) => entry.decisionId))];
    const rows = await manager.getRepository<ActionOutboxRow>('ActionOutbox').find({ where: { decisionId: In(decisionIds) }, select: { decisionId: true, actionId: true } });
    return new Set(rows.map(keyOf));
  }
}

/**
 * The claim as one statement per dialect. Parameters: claimant, lease end, now (due), now (lease run out), claimant
 * (its own claims), limit. RETURNING gives the claimed rows (SQLite ≥ 3.35), in no particular order.
 */
function claimStatement(dialect: 'postgres' | 'sqlite', table: string): string {
  const p = dialect === 'postgres' ? (n: number) => `$${n}` : () => '?';
  const claimable = `status = 'pending' AND next_attempt_at_ms <= ${p(3)} AND (lease_until_ms IS NULL OR lease_until_ms <= ${p(4)} OR claimed_by = ${p(5)})`;
  const lock = dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  return `UPDATE ${table} SET claimed_by = ${p(1)}, lease_until_ms = ${p(2)} WHERE id IN (SELECT id FROM ${table} WHERE ${claimable} ORDER BY id LIMIT ${p(6)}${lock}) RETURNING *`;
}

/**
 * Pending rows among the ids → published, numbered into the feed after every row already there, in id order.
 * Parameters: now, the ids (PostgreSQL: one array; SQLite: `(?)` is widened to one placeholder per id).
 */
function publishStatement(dialect: 'postgres' | 'sqlite', table: string): string {
  const [now, ids] = dialect === 'postgres' ? ['$1', '= ANY($2)'] : ['?', 'IN (?)'];
  const numbered = `SELECT id, (SELECT COALESCE(MAX(published_seq), 0) FROM ${table}) + ROW_NUMBER() OVER (ORDER BY id) AS seq FROM ${table} WHERE id ${ids} AND status = 'pending'`;
  return (
    `UPDATE ${table} AS o SET status = 'published', published_at_ms = ${now}, published_seq = n.seq, last_error = NULL, claimed_by = NULL, lease_until_ms = NULL ` +
    `FROM (${numbered}) AS n WHERE o.id = n.id AND o.status = 'pending'`
  );
}

/** The stored rows of `entries` (those among `rows`), in the entries' order. */
function inEntryOrder(entries: readonly NewOutboxEntry[], rows: readonly OutboxEntry[]): OutboxEntry[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return entries.flatMap((entry) => byKey.get(keyOf(entry)) ?? []);
}

function keyOf(entry: { decisionId: string; actionId: string }): string {
  return `${entry.decisionId}\u0000${entry.actionId}`;
}

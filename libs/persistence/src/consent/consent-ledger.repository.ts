import { DataSource, In, IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { KairosError } from '@kairos/contracts';
import type { ConsentLedgerRow } from './consent-tables.entity';

/** A ledger entry as services see it (the row shape; the ORM stays in this file). */
export type ConsentLedgerEntry = Readonly<ConsentLedgerRow>;
/** What the governance API records before anything is published. */
export type NewConsentLedgerEntry = Omit<ConsentLedgerEntry, 'logPartition' | 'logOffset' | 'publishedAtMs' | 'auditedAtMs'>;

export interface LogPlacement {
  readonly entryId: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * The consent ledger: every consent change and objection the governance API accepted, with where its event sits
 * in the log and whether its audit record is written. Entries are inserted together or not at all, before their
 * events are appended, so a crash between the two leaves an unpublished entry to finish, never a lost change.
 */
export class ConsentLedgerRepository {
  private readonly rows: Repository<ConsentLedgerRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<ConsentLedgerRow>('ConsentLedgerEntry');
  }

  /** Inserts all entries in one transaction. */
  async record(entries: readonly NewConsentLedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.rows.manager.transaction(async (manager) => {
      await manager.insert('ConsentLedgerEntry', entries.map((entry) => ({ ...entry, ...UNPUBLISHED })));
    });
  }

  /**
   * Records an objection unless the customer already objected to the same scope (an objection stays in force,
   * so repeating it changes nothing). Returns the entry in force and whether it is new.
   */
  async recordObjection(entry: NewConsentLedgerEntry): Promise<{ readonly entry: ConsentLedgerEntry; readonly created: boolean }> {
    const scope = entry.scope;
    if (entry.kind !== 'objection' || scope === null) throw new KairosError('INTERNAL', 'recordObjection needs an objection entry with a scope');
    const existing = () => this.rows.findOne({ where: { customerId: entry.customerId, scope, kind: 'objection' } });
    const found = await existing();
    if (found) return { entry: found, created: false };
    try {
      await this.rows.insert({ ...entry, ...UNPUBLISHED });
      return { entry: { ...entry, ...UNPUBLISHED }, created: true };
    } catch (error) {
      // A concurrent request for the same customer and scope won the unique index: answer with its entry.
      const winner = await existing();
      if (winner) return { entry: winner, created: false };
      throw error;
    }
  }

  async markPublished(placements: readonly LogPlacement[], atMs: number): Promise<void> {
    if (placements.length === 0) return;
    await this.rows.manager.transaction(async (manager) => {
      for (const placement of placements) {
        await manager.update('ConsentLedgerEntry', { entryId: placement.entryId }, { logPartition: placement.partition, logOffset: placement.offset, publishedAtMs: atMs });
      }
    });
  }

  async markAudited(entryIds: readonly string[], atMs: number): Promise<void> {
    if (entryIds.length === 0) return;
    await this.rows.update({ entryId: In([...entryIds]) }, { auditedAtMs: atMs });
  }

  /** Entries whose event or audit record is not yet written, oldest first (the outbox to finish). */
  async unfinished(limit = 500): Promise<ConsentLedgerEntry[]> {
    return this.rows.find({ where: [{ publishedAtMs: IsNull() }, { auditedAtMs: IsNull() }], order: { recordedAtMs: 'ASC', entryId: 'ASC' }, take: limit });
  }

  async find(entryId: string): Promise<ConsentLedgerEntry | null> {
    return this.rows.findOne({ where: { entryId } });
  }

  /** A customer's entries in log order; entries not yet in the log come last, in the order recorded. */
  async ofCustomer(customerId: string): Promise<ConsentLedgerEntry[]> {
    const rows = await this.rows.find({ where: { customerId } });
    return rows.sort(
      (a, b) =>
        (a.logOffset ?? Number.MAX_SAFE_INTEGER) - (b.logOffset ?? Number.MAX_SAFE_INTEGER) ||
        a.recordedAtMs - b.recordedAtMs ||
        (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0),
    );
  }

  /**
   * Retention of consent evidence (`consent_records` in governance/retention.json). A consent entry stops applying
   * when a later change of the same customer, purpose and channel scope reaches the log (withdrawal, refusal, or a
   * new consent replacing it): the entry is deleted once such a successor was published before `cutoffMs`. Never
   * deleted: the newest published entry of every scope (the state in force and its proof, whatever its status),
   * entries not yet published or audited (the outbox still finishes them), and objections (they stay in force).
   * Log order is `logOffset`, as `ofCustomer` and the profile fold read it. `heldBack` counts the entries in force
   * that were recorded before the cutoff.
   */
  async deleteSupersededBefore(cutoffMs: number): Promise<{ readonly deleted: number; readonly heldBack: number }> {
    let deleted = 0;
    for (;;) {
      const query = this.settledConsents();
      const batch = await query
        .andWhere(`EXISTS ${successorInLog(query, 'cutoffMs')}`, { cutoffMs })
        .select('c.entryId')
        .limit(SUPERSEDED_CHUNK)
        .getMany();
      if (batch.length === 0) break;
      const result = await this.rows.delete({ entryId: In(batch.map((row) => row.entryId)) });
      deleted += result.affected ?? batch.length;
    }
    const inForce = this.settledConsents();
    const heldBack = await inForce
      .andWhere('c.recordedAtMs < :cutoffMs', { cutoffMs })
      .andWhere(`NOT EXISTS ${successorInLog(inForce)}`)
      .getCount();
    return { deleted, heldBack };
  }

  /** Consent entries in the log and audited: the ones whose retention counts. */
  private settledConsents() {
    return this.rows.createQueryBuilder('c').where("c.kind = 'consent'").andWhere('c.logOffset IS NOT NULL').andWhere('c.auditedAtMs IS NOT NULL');
  }

  /** Deletes a customer's entries (erasure, once the retention of consent evidence allows it). */
  async forgetCustomer(customerId: string): Promise<number> {
    const result = await this.rows.delete({ customerId });
    return result.affected ?? 0;
  }
}

/** Entries deleted per statement by the retention pass. */
const SUPERSEDED_CHUNK = 500;

/**
 * `EXISTS` subquery: a later change in the log of the same customer, purpose and channel scope as the entry `c` (no
 * channel = any); with `publishedBeforeParam`, one that reached the log before that parameter.
 */
function successorInLog(outer: SelectQueryBuilder<ConsentLedgerRow>, publishedBeforeParam?: string): string {
  const successor = outer
    .subQuery()
    .select('1')
    .from('ConsentLedgerEntry', 's')
    .where("s.kind = 'consent'")
    .andWhere('s.customerId = c.customerId')
    .andWhere('s.purpose = c.purpose')
    .andWhere('(s.channel = c.channel OR (s.channel IS NULL AND c.channel IS NULL))')
    .andWhere('s.logOffset > c.logOffset');
  if (publishedBeforeParam) successor.andWhere(`s.publishedAtMs < :${publishedBeforeParam}`);
  return successor.getQuery();
}

const UNPUBLISHED = { logPartition: null, logOffset: null, publishedAtMs: null, auditedAtMs: null } as const;

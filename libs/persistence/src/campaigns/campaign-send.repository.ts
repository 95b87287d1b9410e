import { DataSource, EntityManager, In } from 'typeorm';
import type { CampaignAudienceClaimRow, CampaignSendRow, CampaignSendStatus } from './campaigns-tables.entity';

/** One outbound campaign version. */
export interface CampaignSendKey {
  readonly campaignId: string;
  readonly version: number;
}

/** A batch of customers of one campaign version the send job wants to decide for. */
export interface SendClaimBatch extends CampaignSendKey {
  readonly customers: readonly { readonly customerId: string; readonly partition: number }[];
  /** The campaign's audience cap over the whole cluster; null: none. */
  readonly maxAudience: number | null;
  readonly nowMs: number;
  /** An excluded customer is looked at again this long after the exclusion (consent given, capacity back). */
  readonly retryExcludedAfterMs: number;
  /** A pending send another process (or a crashed one) left is taken over after this long. */
  readonly pendingLeaseMs: number;
  /** The decision id of an attempt: the same for the same attempt, so a resumed send is dropped by the outbox. */
  readonly decisionIdOf: (customerId: string, attempt: number) => string;
}

/**
 * `go`: decide under this decision id (a slot is held if the campaign has a cap). `done`: sent or held out already.
 * `wait`: excluded recently, or pending elsewhere. `full`: the audience cap is reached (recorded as an exclusion).
 */
export type SendClaim = { readonly kind: 'go'; readonly decisionId: string } | { readonly kind: 'done' | 'wait' | 'full' };

/** How a decided send ends: sent or held out keep their slot; an exclusion gives it back. */
export interface SendClose {
  readonly customerId: string;
  /** Only the attempt holding the row's decision id may close it. */
  readonly decisionId: string;
  readonly status: Exclude<CampaignSendStatus, 'pending'>;
  readonly reason: string | null;
}

/** An exclusion found before any decision (e.g. an objection to profiling): no slot, no decision id. */
export interface SendExclusion {
  readonly customerId: string;
  readonly partition: number;
  readonly reason: string;
}

/** A row as the job's pre-filter needs it. */
export type SendState = Readonly<Pick<CampaignSendRow, 'status' | 'updatedAtMs'>>;

/** Counts of a campaign version's sends by status and, for exclusions, by reason. */
export interface CampaignSendCounts extends CampaignSendKey {
  readonly sent: number;
  readonly heldOut: number;
  readonly pending: number;
  readonly excluded: Readonly<Record<string, number>>;
  /** Audience slots claimed (sent + held out + pending) when the campaign has a cap; null without one. */
  readonly audienceClaimed: number | null;
}

const FULL_REASON = 'campaign_full:max_audience';

/**
 * The campaign send ledger. Every step is one transaction over a batch of customers' rows (and, under a cap, the
 * campaign version's slot counter): the rows are created or locked, so two processes that both think they own a
 * partition (a move in progress) serialise on them; the counter row is claimed like a channel capacity window
 * (created if missing, locked, checked, incremented), so the cluster never puts more customers into a campaign than
 * its `maxAudience`.
 */
export class CampaignSendRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims a batch in one transaction: the slot counter first (under a cap), then the customers' rows in id order —
   * every transaction takes its locks in that order, so processes claiming at once wait for each other, never
   * deadlock. Answers per customer id.
   */
  async begin(batch: SendClaimBatch): Promise<Map<string, SendClaim>> {
    if (batch.customers.length === 0) return new Map();
    return this.dataSource.transaction(async (manager) => {
      const counter = batch.maxAudience === null ? null : await this.lockedCounter(manager, batch);
      let free = counter === null || batch.maxAudience === null ? Number.POSITIVE_INFINITY : batch.maxAudience - counter.claimed;
      let granted = 0;
      const rows = await this.lockedRows(manager, batch, batch.customers);
      const claims = new Map<string, SendClaim>();
      const changes: RowChange[] = [];
      for (const { customerId, partition } of sortedById(batch.customers)) {
        const row = rows.get(customerId)!;
        if (row.status === 'sent' || row.status === 'held_out') {
          claims.set(customerId, { kind: 'done' });
        } else if (row.status === 'pending' && row.attempts > 0) {
          if (batch.nowMs - row.updatedAtMs < batch.pendingLeaseMs) {
            claims.set(customerId, { kind: 'wait' });
          } else {
            // Taken over under the same decision id: if the first try reached the outbox, the second adds nothing.
            changes.push({ customerId, patch: { partitionId: partition, updatedAtMs: batch.nowMs } });
            claims.set(customerId, { kind: 'go', decisionId: row.decisionId });
          }
        } else if (row.status === 'excluded' && batch.nowMs - row.updatedAtMs < batch.retryExcludedAfterMs) {
          claims.set(customerId, { kind: 'wait' });
        } else if (free <= 0) {
          changes.push({ customerId, patch: { status: 'excluded', reason: FULL_REASON, partitionId: partition, updatedAtMs: batch.nowMs } });
          claims.set(customerId, { kind: 'full' });
        } else {
          free--;
          if (counter !== null) granted++;
          const decisionId = batch.decisionIdOf(customerId, row.attempts + 1);
          changes.push({ customerId, patch: { status: 'pending', reason: null, attempts: row.attempts + 1, slots: counter === null ? 0 : 1, partitionId: partition, updatedAtMs: batch.nowMs }, decisionId });
          claims.set(customerId, { kind: 'go', decisionId });
        }
      }
      await this.change(manager, batch, changes);
      if (counter !== null && granted > 0) await this.claims(manager).update({ campaignId: batch.campaignId, version: batch.version }, { claimed: counter.claimed + granted, updatedAtMs: batch.nowMs });
      return claims;
    });
  }

  /** Closes decided sends in one transaction; exclusions give their slots back. Counter first, then rows, as in `begin`. */
  async finish(key: CampaignSendKey, closes: readonly SendClose[], nowMs: number): Promise<void> {
    if (closes.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      const counter = closes.some((close) => close.status === 'excluded') ? await this.lockedCounter(manager, { ...key, nowMs }, false) : null;
      const rows = await this.lockedRows(manager, { ...key, nowMs }, closes, false);
      let released = 0;
      const changes: RowChange[] = [];
      for (const close of sortedById(closes)) {
        const row = rows.get(close.customerId);
        if (!row || row.status !== 'pending' || row.decisionId !== close.decisionId) continue;
        const release = close.status === 'excluded' && row.slots > 0;
        changes.push({ customerId: close.customerId, patch: { status: close.status, reason: close.reason?.slice(0, 128) ?? null, slots: release ? 0 : row.slots, updatedAtMs: nowMs } });
        if (release) released++;
      }
      await this.change(manager, key, changes);
      if (counter !== null && released > 0) await this.claims(manager).update({ campaignId: key.campaignId, version: key.version }, { claimed: counter.claimed - released, updatedAtMs: nowMs });
    });
  }

  /** Records exclusions found before any decision; a send in flight or done is left as it is. */
  async exclude(key: CampaignSendKey, exclusions: readonly SendExclusion[], nowMs: number): Promise<void> {
    if (exclusions.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      const rows = await this.lockedRows(manager, { ...key, nowMs }, exclusions);
      const changes: RowChange[] = [];
      for (const exclusion of sortedById(exclusions)) {
        const row = rows.get(exclusion.customerId)!;
        if (row.status !== 'excluded' && !(row.status === 'pending' && row.attempts === 0)) continue;
        changes.push({ customerId: exclusion.customerId, patch: { status: 'excluded', reason: exclusion.reason.slice(0, 128), partitionId: exclusion.partition, updatedAtMs: nowMs } });
      }
      await this.change(manager, key, changes);
    });
  }

  /** The rows of a campaign version on some partitions, by customer: what the job can skip without a transaction. */
  async statesOn(key: CampaignSendKey, partitions: readonly number[]): Promise<Map<string, SendState>> {
    const rows = await this.dataSource.getRepository<CampaignSendRow>('CampaignSend').find({
      where: { campaignId: key.campaignId, version: key.version, partitionId: In([...partitions]) },
      select: { customerId: true, status: true, updatedAtMs: true },
    });
    return new Map(rows.map((row) => [row.customerId, { status: row.status, updatedAtMs: row.updatedAtMs }]));
  }

  /** Counts per version of a campaign, newest version first. */
  async countsOf(campaignId: string): Promise<CampaignSendCounts[]> {
    const rows: { version: number | string; status: CampaignSendStatus; reason: string | null; n: number | string }[] = await this.dataSource
      .getRepository<CampaignSendRow>('CampaignSend')
      .createQueryBuilder('s')
      .select('s.version', 'version')
      .addSelect('s.status', 'status')
      .addSelect('s.reason', 'reason')
      .addSelect('COUNT(*)', 'n')
      .where('s.campaignId = :campaignId', { campaignId })
      .groupBy('s.version')
      .addGroupBy('s.status')
      .addGroupBy('s.reason')
      .getRawMany();
    const claims = await this.dataSource.getRepository<CampaignAudienceClaimRow>('CampaignAudienceClaim').find({ where: { campaignId } });
    const versions = new Map<number, { sent: number; heldOut: number; pending: number; excluded: Record<string, number> }>();
    for (const row of rows) {
      const version = Number(row.version);
      let counts = versions.get(version);
      if (!counts) versions.set(version, (counts = { sent: 0, heldOut: 0, pending: 0, excluded: {} }));
      const n = Number(row.n);
      if (row.status === 'sent') counts.sent += n;
      else if (row.status === 'held_out') counts.heldOut += n;
      else if (row.status === 'pending') counts.pending += n;
      else counts.excluded[row.reason ?? 'unknown'] = (counts.excluded[row.reason ?? 'unknown'] ?? 0) + n;
    }
    for (const claim of claims) if (!versions.has(claim.version)) versions.set(claim.version, { sent: 0, heldOut: 0, pending: 0, excluded: {} });
    return [...versions]
      .sort(([a], [b]) => b - a)
      .map(([version, counts]) => ({ campaignId, version, ...counts, audienceClaimed: claims.find((c) => c.version === version)?.claimed ?? null }));
  }

  /** Art. 17: an erased customer's send rows go (the audit trail keeps what was decided). */
  async forget(customerIds: readonly string[]): Promise<number> {
    if (customerIds.length === 0) return 0;
    const result = await this.dataSource.getRepository<CampaignSendRow>('CampaignSend').delete({ customerId: In([...customerIds]) });
    return result.affected ?? 0;
  }

  /** The customers' rows, created (fresh: pending with no attempt) where missing, locked until commit. */
  private async lockedRows(
    manager: EntityManager,
    key: CampaignSendKey & { readonly nowMs: number },
    customers: readonly { readonly customerId: string; readonly partition?: number }[],
    create = true,
  ): Promise<Map<string, CampaignSendRow>> {
    const fresh = sortedById(customers).map((c) => ({ ...this.where(key, c.customerId), partitionId: c.partition ?? 0, status: 'pending' as const, reason: null, decisionId: '', attempts: 0, slots: 0, updatedAtMs: key.nowMs }));
    if (create) for (let i = 0; i < fresh.length; i += 200) await manager.createQueryBuilder().insert().into('CampaignSend').values(fresh.slice(i, i + 200)).orIgnore().execute();
    const query = this.sends(manager)
      .createQueryBuilder('s')
      .where('s.campaignId = :c AND s.version = :v AND s.customerId IN (:...ids)', { c: key.campaignId, v: key.version, ids: fresh.map((row) => row.customerId) })
      .orderBy('s.customerId', 'ASC');
    const rows = await (this.postgres ? query.setLock('pessimistic_write') : query).getMany();
    return new Map(rows.map((row) => [row.customerId, row]));
  }

  /** The campaign version's slot counter, created if missing (unless `create` is false) and locked until commit. */
  private async lockedCounter(manager: EntityManager, key: CampaignSendKey & { readonly nowMs: number }, create = true): Promise<{ claimed: number } | null> {
    if (create) await manager.createQueryBuilder().insert().into('CampaignAudienceClaim').values({ campaignId: key.campaignId, version: key.version, claimed: 0, updatedAtMs: key.nowMs }).orIgnore().execute();
    const query = this.claims(manager).createQueryBuilder('a').where('a.campaignId = :c AND a.version = :v', { c: key.campaignId, v: key.version });
    const row = await (this.postgres ? query.setLock('pessimistic_write') : query).getOne();
    return row ? { claimed: Number(row.claimed) } : null;
  }

  /**
   * Writes row changes set-wise: one UPDATE per distinct patch (a batch has a handful: claimed, full, sent, held out,
   * excluded by reason), the per-row decision ids through a CASE — a batch costs a few statements, not one per row.
   */
  private async change(manager: EntityManager, key: CampaignSendKey, changes: readonly RowChange[]): Promise<void> {
    const groups = new Map<string, RowChange[]>();
    for (const change of changes) {
      const group = JSON.stringify(change.patch);
      const list = groups.get(group);
      if (list) list.push(change);
      else groups.set(group, [change]);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += 200) {
        const chunk = group.slice(i, i + 200);
        const parameters: Record<string, string> = {};
        const cases = chunk.flatMap((change, j) => {
          if (change.decisionId === undefined) return [];
          parameters[`sc${j}`] = change.customerId;
          parameters[`sd${j}`] = change.decisionId;
          return [`WHEN :sc${j} THEN :sd${j}`];
        });
        await this.sends(manager)
          .createQueryBuilder()
          .update()
          .set({ ...chunk[0]!.patch, ...(cases.length > 0 ? { decisionId: () => `CASE "customer_id" ${cases.join(' ')} ELSE "decision_id" END` } : {}) })
          .where({ campaignId: key.campaignId, version: key.version, customerId: In(chunk.map((change) => change.customerId)) })
          .setParameters(parameters)
          .execute();
      }
    }
  }

  private claims(manager: EntityManager) {
    return manager.getRepository<CampaignAudienceClaimRow>('CampaignAudienceClaim');
  }

  private sends(manager: EntityManager) {
    return manager.getRepository<CampaignSendRow>('CampaignSend');
  }

  private where(key: CampaignSendKey, customerId: string) {
    return { campaignId: key.campaignId, version: key.version, customerId };
  }

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }
}

/** A row's new values (the same for many rows of a batch) and, for a claim, its decision id. */
interface RowChange {
  readonly customerId: string;
  readonly patch: Partial<CampaignSendRow>;
  readonly decisionId?: string;
}

function sortedById<T extends { readonly customerId: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

import { DataSource, EntityManager, In } from 'typeorm';
import type { CampaignArmCountRow, CampaignExposureRow } from './campaigns-tables.entity';

/** Summed outcome counts of a campaign arm. */
export type StoredArmCounts = Readonly<Omit<CampaignArmCountRow, 'updatedAtMs'>>;

/** An exposure awaiting its goal. */
export interface StoredExposure {
  readonly campaignId: string;
  readonly customerId: string;
  readonly arm: string;
  readonly partition: number;
  readonly exposedAtMs: number;
  readonly decisionId: string;
}

/** The end of an open exposure: the goal was reached in time (success) or the window closed (failure). */
export interface ExposureResolution {
  readonly campaignId: string;
  readonly customerId: string;
  readonly arm: string;
  readonly exposedAtMs: number;
  readonly outcome: 'success' | 'failure';
}

/** One flush of a process's campaign bookkeeping, written in one transaction. */
export interface CampaignLedgerBatch {
  readonly exposures: readonly StoredExposure[];
  readonly resolutions: readonly ExposureResolution[];
  /** Erased customers: their open exposures go (the aggregate counts stay). */
  readonly forgotten: readonly string[];
  readonly atMs: number;
}

/** What the batch changed: exposures that were new, resolutions this call made (not already made elsewhere). */
export interface CampaignLedgerBatchResult {
  readonly exposed: number;
  readonly resolved: number;
}

type Increment = { exposed: number; successes: number; failures: number };

/**
 * The campaign ledger in SQL. Counts only move together with the exposure rows in one transaction: an exposure is
 * counted when its row is inserted, a success or failure when its row is deleted — so a goal credited by two
 * processes (a partition moving between them) or a batch replayed after a crash counts once.
 */
export class CampaignLedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async loadCounts(): Promise<StoredArmCounts[]> {
    const rows = await this.dataSource.getRepository<CampaignArmCountRow>('CampaignArmCount').find({ order: { campaignId: 'ASC', arm: 'ASC' } });
    return rows.map(({ campaignId, arm, exposed, successes, failures }) => ({ campaignId, arm, exposed, successes, failures }));
  }

  async openExposures(partitions?: readonly number[]): Promise<StoredExposure[]> {
    const rows = await this.dataSource
      .getRepository<CampaignExposureRow>('CampaignExposure')
      .find({ where: partitions ? { partitionId: In([...partitions]) } : {}, order: { exposedAtMs: 'ASC', customerId: 'ASC' } });
    return rows.map((row) => ({ campaignId: row.campaignId, customerId: row.customerId, arm: row.arm, partition: row.partitionId, exposedAtMs: row.exposedAtMs, decisionId: row.decisionId }));
  }

  async apply(batch: CampaignLedgerBatch): Promise<CampaignLedgerBatchResult> {
    if (batch.exposures.length === 0 && batch.resolutions.length === 0 && batch.forgotten.length === 0) return { exposed: 0, resolved: 0 };
    return this.dataSource.transaction(async (manager) => {
      const increments = new Map<string, Increment>();
      const bump = (campaignId: string, arm: string) => {
        const key = JSON.stringify([campaignId, arm]);
        let increment = increments.get(key);
        if (!increment) increments.set(key, (increment = { exposed: 0, successes: 0, failures: 0 }));
        return increment;
      };
      const exposed = await this.insertNewExposures(manager, batch.exposures);
      for (const exposure of exposed) bump(exposure.campaignId, exposure.arm).exposed++;
      let resolved = 0;
      const exposures = manager.getRepository<CampaignExposureRow>('CampaignExposure');
      for (const r of batch.resolutions) {
        const result = await exposures.delete({ campaignId: r.campaignId, customerId: r.customerId, exposedAtMs: r.exposedAtMs, arm: r.arm });
        if (!result.affected) continue;
        resolved++;
        if (r.outcome === 'success') bump(r.campaignId, r.arm).successes++;
        else bump(r.campaignId, r.arm).failures++;
      }
      if (batch.forgotten.length > 0) await exposures.delete({ customerId: In([...batch.forgotten]) });
      for (const [key, increment] of increments) {
        const [campaignId, arm] = JSON.parse(key) as [string, string];
        await this.addCounts(manager, campaignId, arm, increment, batch.atMs);
      }
      return { exposed: exposed.length, resolved };
    });
  }

  /** Inserts the exposures not already open (the first exposure counts; a repeat inside the window does not). */
  private async insertNewExposures(manager: EntityManager, exposures: readonly StoredExposure[]): Promise<StoredExposure[]> {
    if (exposures.length === 0) return [];
    const repository = manager.getRepository<CampaignExposureRow>('CampaignExposure');
    const fresh = new Map<string, StoredExposure>();
    for (const e of exposures) {
      const key = JSON.stringify([e.campaignId, e.customerId]);
      if (!fresh.has(key)) fresh.set(key, e);
    }
    const customers = [...new Set(exposures.map((e) => e.customerId))];
    for (let i = 0; i < customers.length; i += 500) {
      const open = await repository.find({ where: { customerId: In(customers.slice(i, i + 500)) }, select: { campaignId: true, customerId: true } });
      for (const row of open) fresh.delete(JSON.stringify([row.campaignId, row.customerId]));
    }
    const rows = [...fresh.values()].map((e) => ({ campaignId: e.campaignId, customerId: e.customerId, arm: e.arm, partitionId: e.partition, exposedAtMs: e.exposedAtMs, decisionId: e.decisionId }));
    for (let i = 0; i < rows.length; i += 200) await repository.createQueryBuilder().insert().values(rows.slice(i, i + 200)).orIgnore().execute();
    return [...fresh.values()];
  }

  /** Adds to an arm's counts in place (never read-modify-write: other processes add to the same row). */
  private async addCounts(manager: EntityManager, campaignId: string, arm: string, increment: Increment, atMs: number): Promise<void> {
    const counts = manager.getRepository<CampaignArmCountRow>('CampaignArmCount');
    await counts.createQueryBuilder().insert().values({ campaignId, arm, exposed: 0, successes: 0, failures: 0, updatedAtMs: atMs }).orIgnore().execute();
    await counts
      .createQueryBuilder()
      .update()
      .set({ exposed: () => `exposed + ${increment.exposed}`, successes: () => `successes + ${increment.successes}`, failures: () => `failures + ${increment.failures}`, updatedAtMs: atMs })
      .where({ campaignId, arm })
      .execute();
  }
}

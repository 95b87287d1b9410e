import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { KairosError } from '@kairos/contracts';
import type { RuleSetCounterRow, RuleSetHeadRow, RuleSetHistoryRow, RuleSetVersionRow } from './rules-tables.entity';

export type RuleSetVersionRecord = Readonly<RuleSetVersionRow>;
export type RuleSetHead = Readonly<RuleSetHeadRow>;
export type RuleSetHistoryEntry = Readonly<Omit<RuleSetHistoryRow, 'ruleSetId'>>;
export type NewRuleSetHistoryEntry = Omit<RuleSetHistoryEntry, 'sequence'>;

/** What a new version holds; version number and row version are assigned by the repository. */
export type NewRuleSetVersion = Omit<RuleSetVersionRow, 'version' | 'rowVersion'>;

/** Fields a transition may change on one version row. */
export type RuleSetVersionPatch = Partial<
  Pick<RuleSetVersionRow, 'name' | 'status' | 'dmnXml' | 'metadata' | 'testCases' | 'submittedBy' | 'approvedBy' | 'deployedBy' | 'updatedAtMs' | 'deployedAtMs' | 'retiredAtMs'>
>;

/**
 * One lifecycle step, stored whole or not at all: the version rows it changes (each at the row version it was
 * decided on), its journal entries and, for deploy, retire and rollback, the newly deployed version (null: none).
 */
export interface RuleSetChange {
  readonly ruleSetId: string;
  readonly updates: readonly { readonly version: number; readonly expectedRowVersion: number; readonly patch: RuleSetVersionPatch }[];
  readonly history: readonly NewRuleSetHistoryEntry[];
  readonly deployedVersion?: number | null;
}

const DEPLOYMENTS = 'deployments';

const CONCURRENT = () =>
  new KairosError('CONFLICT', 'the rule set changed meanwhile; reload it and try again', [{ path: 'ruleSetId', rule: 'concurrent_update', message: 'another change was saved first' }]);

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driver?.code === '23505' || (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * Rule-set versions, their journal and what is deployed. Every change is optimistic (row versions) and
 * transactional; a change of what is deployed also bumps one counter, which is all a process polls to learn that
 * it must reload its compiled rule sets.
 */
export class RuleSetRepository {
  private readonly versions: Repository<RuleSetVersionRow>;
  private readonly heads: Repository<RuleSetHeadRow>;
  private readonly journal: Repository<RuleSetHistoryRow>;
  private readonly counters: Repository<RuleSetCounterRow>;

  constructor(private readonly dataSource: DataSource) {
    this.versions = dataSource.getRepository<RuleSetVersionRow>('RuleSetVersion');
    this.heads = dataSource.getRepository<RuleSetHeadRow>('RuleSetHead');
    this.journal = dataSource.getRepository<RuleSetHistoryRow>('RuleSetHistory');
    this.counters = dataSource.getRepository<RuleSetCounterRow>('RuleSetCounter');
  }

  /** Stores the next version of `row.ruleSetId` (1 for a new rule set) with its first journal entry. */
  async createVersion(row: NewRuleSetVersion, history: Omit<NewRuleSetHistoryEntry, 'version'>): Promise<RuleSetVersionRecord> {
    return this.transaction(async (manager) => {
      const heads = manager.getRepository<RuleSetHeadRow>('RuleSetHead');
      const head = await heads.findOne({ where: { ruleSetId: row.ruleSetId } });
      const version = (head?.latestVersion ?? 0) + 1;
      if (head) {
        const result = await heads.update({ ruleSetId: row.ruleSetId, latestVersion: head.latestVersion }, { latestVersion: version });
        if (result.affected !== 1) throw CONCURRENT();
      } else {
        await heads.insert({ ruleSetId: row.ruleSetId, latestVersion: version, deployedVersion: null, changeSeq: 0 });
      }
      const stored: RuleSetVersionRow = { ...row, version, rowVersion: 1 };
      await manager.getRepository<RuleSetVersionRow>('RuleSetVersion').insert(stored);
      await this.appendHistory(manager, row.ruleSetId, [{ ...history, version }]);
      return stored;
    });
  }

  /** Stores a change; resolves with the deployment counter after it when it changed what is deployed, else null. */
  async apply(change: RuleSetChange): Promise<number | null> {
    return this.transaction(async (manager) => {
      const versions = manager.getRepository<RuleSetVersionRow>('RuleSetVersion');
      for (const update of change.updates) {
        const result = await versions.update(
          { ruleSetId: change.ruleSetId, version: update.version, rowVersion: update.expectedRowVersion },
          { ...update.patch, rowVersion: update.expectedRowVersion + 1 },
        );
        if (result.affected !== 1) throw CONCURRENT();
      }
      await this.appendHistory(manager, change.ruleSetId, change.history);
      if (change.deployedVersion !== undefined) {
        const value = await this.bumpCounter(manager);
        await manager.getRepository<RuleSetHeadRow>('RuleSetHead').update({ ruleSetId: change.ruleSetId }, { deployedVersion: change.deployedVersion, changeSeq: value });
        return value;
      }
      return null;
    });
  }

  async version(ruleSetId: string, version: number): Promise<RuleSetVersionRecord | null> {
    return this.versions.findOne({ where: { ruleSetId, version } });
  }

  async head(ruleSetId: string): Promise<RuleSetHead | null> {
    return this.heads.findOne({ where: { ruleSetId } });
  }

  /** Every version of a rule set, newest first. */
  async versionsOf(ruleSetId: string): Promise<RuleSetVersionRecord[]> {
    return this.versions.find({ where: { ruleSetId }, order: { version: 'DESC' } });
  }

  async history(ruleSetId: string): Promise<RuleSetHistoryEntry[]> {
    const rows = await this.journal.find({ where: { ruleSetId }, order: { sequence: 'ASC' } });
    return rows.map(({ ruleSetId: _id, ...entry }) => entry);
  }

  /** Rule sets by id (keyset after `afterId`), each with its head and latest version. */
  async list(limit: number, afterId?: string): Promise<{ head: RuleSetHead; latest: RuleSetVersionRecord }[]> {
    const builder = this.heads.createQueryBuilder('h').orderBy('h.ruleSetId', 'ASC').limit(limit);
    if (afterId !== undefined) builder.where('h.ruleSetId > :afterId', { afterId });
    const heads = await builder.getMany();
    if (heads.length === 0) return [];
    const latest = await this.versions.find({ where: heads.map((head) => ({ ruleSetId: head.ruleSetId, version: head.latestVersion })) });
    const byId = new Map(latest.map((row) => [row.ruleSetId, row]));
    return heads.flatMap((head) => {
      const row = byId.get(head.ruleSetId);
      return row ? [{ head, latest: row }] : [];
    });
  }

  /** The deployed version of every rule set that has one, with the counter value it was read at. */
  async deployed(): Promise<{ counter: number; versions: RuleSetVersionRecord[] }> {
    return this.dataSource.transaction(async (manager) => {
      const counter = await manager.getRepository<RuleSetCounterRow>('RuleSetCounter').findOne({ where: { name: DEPLOYMENTS } });
      const heads = await manager.getRepository<RuleSetHeadRow>('RuleSetHead').createQueryBuilder('h').where('h.deployedVersion IS NOT NULL').getMany();
      const versions =
        heads.length === 0
          ? []
          : await manager.getRepository<RuleSetVersionRow>('RuleSetVersion').find({ where: heads.map((head) => ({ ruleSetId: head.ruleSetId, version: head.deployedVersion! })) });
      return { counter: counter?.value ?? 0, versions };
    });
  }

  /** Grows with every change of what is deployed: the one value a process polls. */
  async deploymentCounter(): Promise<number> {
    return (await this.counters.findOne({ where: { name: DEPLOYMENTS } }))?.value ?? 0;
  }

  /** The counter row is created by the first deployment (two first deployments at once: one gets CONFLICT). */
  private async bumpCounter(manager: EntityManager): Promise<number> {
    const counters = manager.getRepository<RuleSetCounterRow>('RuleSetCounter');
    const result = await counters
      .createQueryBuilder()
      .update()
      .set({ value: () => 'value + 1' })
      .where('name = :name', { name: DEPLOYMENTS })
      .execute();
    if (result.affected === 0) await counters.insert({ name: DEPLOYMENTS, value: 1 });
    return (await counters.findOneOrFail({ where: { name: DEPLOYMENTS } })).value;
  }

  private async appendHistory(manager: EntityManager, ruleSetId: string, entries: readonly NewRuleSetHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const journal = manager.getRepository<RuleSetHistoryRow>('RuleSetHistory');
    const last = await journal.findOne({ where: { ruleSetId }, order: { sequence: 'DESC' } });
    const first = (last?.sequence ?? 0) + 1;
    await journal.insert(entries.map((entry, index) => ({ ruleSetId, sequence: first + index, ...entry })));
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw CONCURRENT();
      throw error;
    }
  }
}


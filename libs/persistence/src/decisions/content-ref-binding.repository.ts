import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { KairosError } from '@kairos/contracts';
import type { ContentRefBindingRow } from './decisions-tables.entity';

export type ContentRefBinding = Readonly<ContentRefBindingRow>;

/** What a rebinding writes; the version is the repository's to assign. */
export type NewContentRefBinding = Omit<ContentRefBindingRow, 'version'>;

/** Rounds of read-then-write a last-writer-wins put tries before giving up on a busy ref. */
const PUT_TRIES = 5;

const CONCURRENT = () =>
  new KairosError('CONFLICT', 'the content ref binding changed meanwhile; reload it and try again', [{ path: 'version', rule: 'concurrent_update', message: 'another binding was saved first' }]);

/**
 * The content ref bindings table. Writes are optimistic: a caller naming the version it decided on (0: "not bound
 * yet") fails with CONFLICT if another writer came first; without a version the write is last-writer-wins, still
 * one atomic compare-and-set per attempt, so versions never repeat.
 */
export class ContentRefBindingRepository {
  private readonly rows: Repository<ContentRefBindingRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<ContentRefBindingRow>('ContentRefBinding');
  }

  async list(): Promise<ContentRefBinding[]> {
    return this.rows.find({ order: { ref: 'ASC' } });
  }

  async get(ref: string): Promise<ContentRefBinding | null> {
    return this.rows.findOne({ where: { ref } });
  }

  /** Binds `ref` to a draft; returns the stored row with its new version. */
  async put(binding: NewContentRefBinding, expectedVersion?: number): Promise<ContentRefBinding> {
    if (expectedVersion !== undefined) return this.compareAndSet(binding, expectedVersion);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(binding.ref);
      try {
        return await this.compareAndSet(binding, current?.version ?? 0);
      } catch (error) {
        if (!(error instanceof KairosError) || error.code !== 'CONFLICT' || attempt >= PUT_TRIES) throw error;
      }
    }
  }

  /** Removes a binding (the ref then names a draft id itself again). Returns whether there was one. */
  async delete(ref: string): Promise<boolean> {
    return ((await this.rows.delete({ ref })).affected ?? 0) > 0;
  }

  private async compareAndSet(binding: NewContentRefBinding, expectedVersion: number): Promise<ContentRefBinding> {
    const row: ContentRefBindingRow = { ref: binding.ref, draftId: binding.draftId, boundBy: binding.boundBy, boundAtMs: binding.boundAtMs, version: expectedVersion + 1 };
    if (expectedVersion === 0) {
      try {
        await this.rows.insert(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw CONCURRENT();
        throw error;
      }
      return row;
    }
    const result = await this.rows.update({ ref: binding.ref, version: expectedVersion }, { draftId: row.draftId, boundBy: row.boundBy, boundAtMs: row.boundAtMs, version: row.version });
    if (result.affected !== 1) throw CONCURRENT();
    return row;
  }
}

/** A unique-key clash on PostgreSQL or SQLite: here, another process bound the ref first. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driver?.code === '23505' || (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_CONSTRAINT'));
}

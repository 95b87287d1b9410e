import { Brackets, DataSource, Not, Repository } from 'typeorm';
import { deleteRowsBefore } from '../retention/aged-rows.repository';
import type { ReviewCaseRow, ReviewCaseStatusValue } from './data-subject-rights-tables.entity';

export interface ReviewCasePageQuery {
  readonly status?: ReviewCaseStatusValue;
  /** Keyset cursor: the last case of the previous page. */
  readonly after?: { readonly openedAtMs: number; readonly id: string };
  readonly limit: number;
}

export type ReviewCaseChange = Partial<Omit<ReviewCaseRow, 'id' | 'customerId' | 'decisionId' | 'openedBy' | 'openedAtMs' | 'version'>>;

/** Art. 22 review cases: the queue the DPO works through, oldest first. */
export class ReviewCaseRepository {
  private readonly rows: Repository<ReviewCaseRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<ReviewCaseRow>('ReviewCase');
  }

  async insert(row: ReviewCaseRow): Promise<void> {
    await this.rows.insert(row);
  }

  /** Undoes an insert whose audit record could not be written. */
  async remove(id: string): Promise<void> {
    await this.rows.delete({ id });
  }

  find(id: string): Promise<ReviewCaseRow | null> {
    return this.rows.findOne({ where: { id } });
  }

  /** The case of this decision that is not decided yet, if any: one decision is under review once at a time. */
  findUndecided(customerId: string, decisionId: string): Promise<ReviewCaseRow | null> {
    return this.rows.findOne({ where: { customerId, decisionId, status: Not('decided' as const) } });
  }

  /** A page of cases ordered by opening time then id; the caller passes the last row back as `after`. */
  page(query: ReviewCasePageQuery): Promise<ReviewCaseRow[]> {
    const builder = this.rows.createQueryBuilder('rc').orderBy('rc.openedAtMs', 'ASC').addOrderBy('rc.id', 'ASC').take(query.limit);
    if (query.status) builder.andWhere('rc.status = :status', { status: query.status });
    const after = query.after;
    if (after) {
      builder.andWhere(
        new Brackets((cursor) =>
          cursor.where('rc.openedAtMs > :afterAt', { afterAt: after.openedAtMs }).orWhere('(rc.openedAtMs = :afterAt AND rc.id > :afterId)', { afterId: after.id }),
        ),
      );
    }
    return builder.getMany();
  }

  /** Applies `change` only if the case is still at `expectedVersion`; false when someone else changed it first. */
  async update(id: string, expectedVersion: number, change: ReviewCaseChange): Promise<boolean> {
    const result = await this.rows.update({ id, version: expectedVersion }, { ...change, version: expectedVersion + 1 });
    return (result.affected ?? 0) === 1;
  }

  forCustomer(customerId: string): Promise<ReviewCaseRow[]> {
    return this.rows.find({ where: { customerId }, order: { openedAtMs: 'ASC', id: 'ASC' } });
  }

  /** Erasure (Art. 17): every case of the customer. */
  async deleteForCustomer(customerId: string): Promise<number> {
    const result = await this.rows.delete({ customerId });
    return result.affected ?? 0;
  }

  /** Retention: decided cases whose decision is older than the cutoff. Open cases are never aged out. */
  deleteDecidedBefore(cutoffMs: number): Promise<number> {
    return deleteRowsBefore(this.rows, 'id', 'decidedAtMs', cutoffMs, { status: 'decided' });
  }
}

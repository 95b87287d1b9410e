import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../unique-violation';
import type { TriggerSetVersionRow } from './trigger-tables.entity';

export type TriggerSetVersionRecord = Readonly<TriggerSetVersionRow>;

/** One step of the trigger-set lifecycle: every version it touches, each with the row version the caller read. */
export type TriggerSetStep = readonly { readonly read: TriggerSetVersionRecord; readonly patch: Partial<TriggerSetVersionRow> }[];

/**
 * Versions of the platform's trigger set. Steps are conditional on the row versions a caller read, so two deploys
 * (or an edit racing an approval) cannot both win: the loser gets `false` and answers 409. Version numbers are the
 * primary key, so two racing creates cannot both take the next one either.
 */
export class TriggerSetVersionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(manager: EntityManager = this.dataSource.manager) {
    return manager.getRepository<TriggerSetVersionRow>('TriggerSetVersion');
  }

  /** Every version, newest first (a trigger set has few: one per change a modeler made). */
  async all(): Promise<TriggerSetVersionRecord[]> {
    return this.rows().find({ order: { version: 'DESC' } });
  }

  async byVersion(version: number): Promise<TriggerSetVersionRecord | null> {
    return this.rows().findOneBy({ version });
  }

  async newest(): Promise<TriggerSetVersionRecord | null> {
    return this.rows().findOne({ where: {}, order: { version: 'DESC' } });
  }

  /** The version in force, or null (the platform then runs the seed document). */
  async deployed(): Promise<TriggerSetVersionRecord | null> {
    return this.rows().findOneBy({ status: 'deployed' });
  }

  /** Inserts a new version; false when that version number was taken meanwhile. */
  async insert(row: TriggerSetVersionRow): Promise<boolean> {
    return this.rows()
      .insert(row)
      .then(() => true)
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) return false;
        throw error;
      });
  }

  /** Applies a step in one transaction; false (and nothing written) when any row changed since it was read. */
  async apply(step: TriggerSetStep): Promise<boolean> {
    let stale = false;
    await this.dataSource.transaction(async (manager) => {
      for (const { read, patch } of step) {
        const where = { version: read.version, rowVersion: read.rowVersion };
        const result = await this.rows(manager).update(where, { ...patch, rowVersion: read.rowVersion + 1 });
        if (result.affected) continue;
        stale = true;
        // Throwing rolls back what this step already changed.
        throw new StaleTriggerSetStep();
      }
    }).catch((error: unknown) => {
      if (!(error instanceof StaleTriggerSetStep)) throw error;
    });
    return !stale;
  }
}

class StaleTriggerSetStep extends Error {}

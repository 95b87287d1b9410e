import { DataSource, QueryFailedError } from 'typeorm';
import type { CampaignVersionRow } from './campaigns-tables.entity';

export type CampaignVersionRecord = Readonly<CampaignVersionRow>;

/**
 * Versions of authored campaigns. Writes are conditional on the row version a caller read, so two approvals (or an
 * edit racing an approval) cannot both win: the loser gets `false` and answers 409.
 */
export class CampaignVersionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository<CampaignVersionRow>('CampaignVersion');
  }

  async versionsOf(campaignId: string): Promise<CampaignVersionRecord[]> {
    return this.rows.find({ where: { campaignId }, order: { version: 'DESC' } });
  }

  async latest(campaignId: string): Promise<CampaignVersionRecord | null> {
    return this.rows.findOne({ where: { campaignId }, order: { version: 'DESC' } });
  }

  /** The newest version of every campaign, by id. */
  async newest(): Promise<CampaignVersionRecord[]> {
    const rows = await this.rows.find({ order: { campaignId: 'ASC', version: 'DESC' } });
    return rows.filter((row, i) => i === 0 || rows[i - 1]!.campaignId !== row.campaignId);
  }

  /** The active version of every authored campaign, definitions included: what decisions serve. */
  async active(): Promise<CampaignVersionRecord[]> {
    return this.rows.find({ where: { status: 'active' } });
  }

  /** Inserts a new version; false when that version exists already (a concurrent create or edit won). */
  async insert(row: CampaignVersionRow): Promise<boolean> {
    try {
      await this.rows.insert(row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Applies `patch` to the versions if each still has the row version read; all or nothing. */
  async update(changes: readonly { readonly version: CampaignVersionRecord; readonly patch: Partial<CampaignVersionRow> }[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      for (const { version, patch } of changes) {
        const result = await manager
          .getRepository<CampaignVersionRow>('CampaignVersion')
          .update({ campaignId: version.campaignId, version: version.version, rowVersion: version.rowVersion }, { ...patch, rowVersion: version.rowVersion + 1 });
        if (!result.affected) throw new StaleCampaignVersion();
      }
      return true;
    }).catch((error: unknown) => {
      if (error instanceof StaleCampaignVersion) return false;
      throw error;
    });
  }
}

class StaleCampaignVersion extends Error {}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

import type { LoggedEvent } from '@kairos/contracts';
import { campaignState, type CampaignCounts, type CampaignState, type CompiledCampaign, type DecisionOutcome } from '@kairos/decisioning';
import type { Logger } from '@kairos/observability';
import type { CampaignLedgerRepository } from '@kairos/persistence';
import type { CampaignBook } from '../decision-sources';
import { CampaignAttribution } from './campaign-attribution';

/** The part of the campaign ledger repository the book uses. */
export type CampaignLedgerStore = Pick<CampaignLedgerRepository, 'apply' | 'loadCounts' | 'openExposures'>;

export interface LiveCampaignBookOptions {
  readonly campaigns: ReadonlyMap<string, CompiledCampaign>;
  readonly store: CampaignLedgerStore;
  readonly partitionOf: (customerId: string) => number;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** How often increments are written and the shared counts re-read (ms). */
  readonly syncEveryMs?: number;
  /** How often open exposures written by other processes are re-read (partition moves), in syncs. */
  readonly reloadExposuresEverySyncs?: number;
  /** Exposures settle as failures this long after their window closed, so a late goal event still counts (ms). */
  readonly settleGraceMs?: number;
}

/**
 * The campaigns' `CampaignBook` for the decision core: posteriors from memory, exposures and goal credits written
 * to the campaign tables in batches off the hot path, the counts of every process re-read on each sync.
 */
export class LiveCampaignBook implements CampaignBook {
  readonly attribution: CampaignAttribution;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | null = null;
  private syncs = 0;
  private readonly states = new Map<string, CampaignState>();
  private statesValid = false;

  constructor(private readonly options: LiveCampaignBookOptions) {
    this.attribution = new CampaignAttribution(options.campaigns, options.partitionOf);
    this.clock = options.clock ?? Date.now;
  }

  /** Loads the shared counts and open exposures, then syncs periodically. */
  async start(): Promise<void> {
    this.attribution.loaded(await this.options.store.loadCounts(), await this.options.store.openExposures());
    this.statesValid = false;
    this.timer = setInterval(() => void this.sync(), this.options.syncEveryMs ?? 1_000);
    this.timer.unref();
  }

  stateOf(campaignId: string): CampaignState | undefined {
    const campaign = this.options.campaigns.get(campaignId);
    if (!campaign) return undefined;
    if (!this.statesValid) {
      this.states.clear();
      this.statesValid = true;
    }
    let state = this.states.get(campaignId);
    if (!state) this.states.set(campaignId, (state = campaignState(campaign, this.attribution.counts())));
    return state;
  }

  recordExposures(outcome: DecisionOutcome): void {
    this.attribution.recordExposures(outcome);
    this.statesValid = false;
  }

  /** The partition worker's onApplied listener: credits goal events of the applied records. */
  readonly onApplied = (partition: number, records: readonly LoggedEvent[]): void => {
    void partition;
    if (this.attribution.onRecords(records) > 0) this.statesValid = false;
  };

  counts(): CampaignCounts {
    return this.attribution.counts();
  }

  /**
   * Settles closed windows, writes what happened since the last sync and re-reads the shared counts. Runs one at
   * a time; a failed write is kept and retried at the next sync.
   */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => (this.syncing = null));
    return this.syncing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.syncing;
    await this.sync();
  }

  private async syncOnce(): Promise<void> {
    const now = this.clock();
    this.attribution.settle(now, this.options.settleGraceMs ?? 60_000);
    const batch = this.attribution.takeBatch(now);
    try {
      await this.options.store.apply(batch);
    } catch (error) {
      this.attribution.restoreBatch(batch);
      this.options.logger.warn({ err: (error as Error).message }, 'writing campaign exposures failed; retrying at the next sync');
      return;
    }
    try {
      const reloadEvery = this.options.reloadExposuresEverySyncs ?? 30;
      const counts = await this.options.store.loadCounts();
      const open = ++this.syncs % reloadEvery === 0 ? await this.options.store.openExposures() : null;
      this.attribution.loaded(counts, open);
    } catch (error) {
      // Written but not re-read: the in-flight counts stay until the next successful read.
      this.options.logger.warn({ err: (error as Error).message }, 'reading campaign counts failed; retrying at the next sync');
    } finally {
      this.statesValid = false;
    }
  }
}

import { compileAuthoredCampaign, type ActiveAuthoredCampaign, type LiveActionCatalog } from '@kairos/decisioning';
import type { Logger } from '@kairos/observability';
import type { CampaignVersionRecord } from '@kairos/persistence';

/** How often a process re-reads the active campaign versions (ms): an approval elsewhere serves here within it. */
export const DEFAULT_SERVED_CAMPAIGNS_POLL_MS = 1_000;

export interface ServedCampaignsOptions {
  readonly live: LiveActionCatalog;
  /** The active version of every authored campaign, read fresh (one small query). */
  readonly activeVersions: () => Promise<readonly CampaignVersionRecord[]>;
  readonly isFeature: (name: string) => boolean;
  readonly logger: Logger;
  readonly pollIntervalMs?: number;
}

/**
 * Keeps the live action catalog of a process in step with the campaign version table: every poll reads the active
 * versions and, only when the set of `campaignId@version` differs from what is served, compiles the new ones and
 * swaps the catalog. Every process polls, so a campaign approved or retired on one is served or stopped on all
 * within a poll; the process that approved it refreshes at once. A stored version that no longer compiles (a feature
 * it reads left the registry) is not served, and says so in the log.
 */
export class ServedCampaigns {
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly options: ServedCampaignsOptions) {}

  get live(): LiveActionCatalog {
    return this.options.live;
  }

  /**
   * Reads the active versions and installs them; true when the served set changed. A call while a read is in flight
   * reads again after it: that read may have started before the caller's own approval was committed.
   */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing.catch(() => false).then(() => this.refresh());
    this.refreshing = this.refreshOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Installs the active versions, then re-reads them every poll interval until `stop`. */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.refresh();
    this.timer = setInterval(() => {
      if (this.refreshing) return;
      this.refresh().catch((error: Error) => this.options.logger.warn({ err: error.message }, 'reading active campaign versions failed; the next poll retries'));
    }, this.options.pollIntervalMs ?? DEFAULT_SERVED_CAMPAIGNS_POLL_MS);
    this.timer.unref();
  }

  /** Stops polling and waits for a refresh in flight (call before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing?.catch(() => undefined);
  }

  private async refreshOnce(): Promise<boolean> {
    const rows = await this.options.activeVersions();
    const { live } = this.options;
    const active: ActiveAuthoredCampaign[] = [];
    for (const row of rows) {
      const known = live.has(row.campaignId, row.version);
      if (known) {
        active.push(known);
        continue;
      }
      try {
        active.push({ ...compileAuthoredCampaign(JSON.parse(row.definition) as unknown, { catalog: live.base, isFeature: this.options.isFeature }), version: row.version });
      } catch (error) {
        this.options.logger.warn({ campaignId: row.campaignId, version: row.version, err: (error as Error).message }, 'an active campaign version does not compile against this process; it is not served');
      }
    }
    const changed = live.install(active);
    if (changed) this.options.logger.info({ campaigns: live.activeVersions(), generation: live.generation }, 'served authored campaigns changed');
    return changed;
  }
}

import { createHash } from 'node:crypto';
import { KairosError } from '@kairos/contracts';
import type { ActiveAuthoredCampaign, DecisionOutcome, LiveActionCatalog } from '@kairos/decisioning';
import type { Logger } from '@kairos/observability';
import type { CampaignSendKey, CampaignSendRepository, SendClose, SendExclusion, SendState } from '@kairos/persistence';
import type { PartitionProfileStore } from '@kairos/profile';
import type { ActionSink, DecisionMaker } from '../../decision-sources';
import type { CampaignAudience } from './campaign-audience';
import type { CampaignSendMetrics } from './campaign-send-metrics';
import { campaignSendVerdict } from './campaign-send-verdict';

/** How often each active outbound campaign is sent to its segment (ms): newcomers to the segment within this. */
export const DEFAULT_CAMPAIGN_SEND_INTERVAL_MS = 60_000;

/** The part of the send ledger the job uses. */
export type CampaignSendStore = Pick<CampaignSendRepository, 'begin' | 'finish' | 'exclude' | 'statesOn'>;

/** The partitions this process owns and their folded profiles (the PartitionWorker). */
export interface OwnedPartitions {
  ownedPartitions(): number[];
  store(partition: number): PartitionProfileStore | undefined;
}

export interface CampaignSendJobOptions {
  /** The served catalog: its active authored campaigns are the ones sent. */
  readonly live: LiveActionCatalog;
  readonly partitions: OwnedPartitions;
  /** Who of the customers the campaign goes to (segment and the exclusions that need no decision). */
  readonly audience: Pick<CampaignAudience, 'verdict'>;
  /** The decision core: every send is an audited decision (decision_served with its explanation). */
  readonly decisions: DecisionMaker;
  /** The action outbox. */
  readonly actions: ActionSink;
  readonly sends: CampaignSendStore;
  readonly logger: Logger;
  readonly metrics?: CampaignSendMetrics;
  readonly clock?: () => number;
  /** Time between two runs of one campaign version (ms); 0: `start` schedules nothing (campaigns served on request only). */
  readonly intervalMs?: number;
  /** How often the job looks for a campaign that became active (ms): it is sent right away, not a full interval later. */
  readonly checkEveryMs?: number;
  /** An excluded customer is decided for again after this long (consent given, contact cap passed), ms. */
  readonly retryExcludedAfterMs?: number;
  /** A send left pending (crash, partition move) is taken over after this long, ms. */
  readonly pendingLeaseMs?: number;
  /** Customers claimed, decided and written per transaction. */
  readonly batchSize?: number;
}

/** What one run of one campaign version did on this process. */
export interface CampaignSendRun {
  readonly campaignId: string;
  readonly version: number;
  readonly sent: number;
  readonly heldOut: number;
  readonly excluded: Readonly<Record<string, number>>;
  /** Customers already settled (sent, held out, recently excluded, or pending elsewhere): nothing done. */
  readonly skipped: number;
}

const DEFAULT_RETRY_EXCLUDED_MS = 24 * 60 * 60 * 1000;
const DEFAULT_PENDING_LEASE_MS = 5 * 60 * 1000;
const DEFAULT_BATCH_SIZE = 100;
const FULL_REASON = 'campaign_full:max_audience';
const YIELD_EVERY = 1_000;

/**
 * Sends each active outbound campaign to its segment without anyone asking, inside the partition-owning workers:
 * every process walks the customers of the partitions it owns, keeps those the dynamic segment holds for, and asks
 * the decision core the one question "this campaign on its channel, for this customer?" — so consent, objections,
 * contact policy, the cluster channel capacity, the other-campaign exclusion, the control group and the bandit's
 * variant are the ones every decision applies, the decision is audited, the exposure goes to the campaign ledger and
 * a served action to the outbox. The send ledger (one row per campaign version and customer) makes it at most once:
 * see CampaignSendRepository for the row lock and the cluster-wide audience counter.
 */
export class CampaignSendJob {
  private readonly clock: () => number;
  private readonly lastRun = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CampaignSendRun[]> | null = null;
  private stopping = false;

  private readonly batchSize: number;

  constructor(private readonly options: CampaignSendJobOptions) {
    this.clock = options.clock ?? Date.now;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  start(): void {
    if (this.timer || this.options.intervalMs === 0) return;
    this.stopping = false;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.runDue().catch((error: Error) => this.options.logger.warn({ err: error.message }, 'campaign send run failed; the next one retries'));
    }, this.options.checkEveryMs ?? 1_000);
    this.timer.unref();
  }

  /** Stops the schedule and waits for the run in flight (call before the database closes). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Every campaign is due at the next check (partitions were assigned: their customers are new to this process). */
  nudge(): void {
    this.lastRun.clear();
  }

  /** Runs the campaign versions that are due now (never run here, or their interval passed). */
  runDue(): Promise<CampaignSendRun[]> {
    const now = this.clock();
    const interval = this.options.intervalMs ?? DEFAULT_CAMPAIGN_SEND_INTERVAL_MS;
    const due = this.activeCampaigns().filter((campaign) => now - (this.lastRun.get(keyOf(campaign)) ?? Number.NEGATIVE_INFINITY) >= interval);
    return this.run(due);
  }

  /** Runs every active campaign version now, whatever its schedule (tests, an operator's nudge). */
  runAll(): Promise<CampaignSendRun[]> {
    return this.run(this.activeCampaigns());
  }

  private run(campaigns: readonly ActiveAuthoredCampaign[]): Promise<CampaignSendRun[]> {
    if (this.running) return this.running.catch(() => undefined).then(() => this.run(campaigns));
    this.running = this.runEach(campaigns).finally(() => (this.running = null));
    return this.running;
  }

  private async runEach(campaigns: readonly ActiveAuthoredCampaign[]): Promise<CampaignSendRun[]> {
    const runs: CampaignSendRun[] = [];
    for (const campaign of campaigns) {
      if (this.stopping) break;
      const startedAt = this.clock();
      this.lastRun.set(keyOf(campaign), startedAt);
      const run = await this.sendCampaign(campaign, startedAt);
      this.options.metrics?.observeRun(run, (this.clock() - startedAt) / 1000);
      runs.push(run);
    }
    return runs;
  }

  private activeCampaigns(): ActiveAuthoredCampaign[] {
    const { live } = this.options;
    return live.activeVersions().flatMap((key) => {
      const at = key.lastIndexOf('@');
      const campaign = live.has(key.slice(0, at), Number(key.slice(at + 1)));
      return campaign ? [campaign] : [];
    });
  }

  /** One campaign version over the owned partitions, inside its start/end window. */
  private async sendCampaign(campaign: ActiveAuthoredCampaign, nowMs: number): Promise<CampaignSendRun> {
    const tally = new SendTally(campaign);
    const { compiled } = campaign;
    if (nowMs < compiled.startsAtMs || nowMs >= compiled.endsAtMs) return tally.result();
    const key = { campaignId: compiled.id, version: campaign.version };
    for (const partition of this.options.partitions.ownedPartitions()) {
      if (this.stopping || this.options.live.has(key.campaignId, key.version) === undefined) break;
      const store = this.options.partitions.store(partition);
      if (!store) continue;
      const known = await this.options.sends.statesOn(key, [partition]);
      let members: string[] = [];
      let exclusions: SendExclusion[] = [];
      let moved = false;
      let examined = 0;
      for (const customerId of store.customerIds()) {
        if (this.stopping || moved) break;
        // Segment checks are synchronous: let decisions and ingestion of this process in between now and then.
        if (++examined % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        if (this.settled(known.get(customerId), nowMs)) {
          tally.skipped++;
          continue;
        }
        const verdict = this.options.audience.verdict(store, customerId, campaign, nowMs);
        if (verdict.kind === 'excluded') exclusions.push({ customerId, partition, reason: verdict.reason });
        if (verdict.kind === 'member') members.push(customerId);
        if (exclusions.length >= this.batchSize) exclusions = await this.exclude(key, exclusions, tally);
        if (members.length >= this.batchSize) {
          moved = await this.sendTo(campaign, partition, members, nowMs, tally);
          members = [];
        }
      }
      await this.exclude(key, exclusions, tally);
      if (!moved && !this.stopping) await this.sendTo(campaign, partition, members, nowMs, tally);
    }
    return tally.result();
  }

  private async exclude(key: CampaignSendKey, exclusions: readonly SendExclusion[], tally: SendTally): Promise<SendExclusion[]> {
    await this.options.sends.exclude(key, exclusions, this.clock());
    for (const exclusion of exclusions) tally.exclude(exclusion.reason);
    return [];
  }

  /**
   * Claims a batch of segment members, decides for those claimed (together: the audit writer commits them as one
   * group), puts the served actions into the outbox in one transaction and only then closes the sends — a crash in
   * between leaves them pending, resumed later under the same decision ids. True when the partition left this
   * process meanwhile (its remaining customers are the next owner's).
   */
  private async sendTo(campaign: ActiveAuthoredCampaign, partition: number, customerIds: readonly string[], nowMs: number, tally: SendTally): Promise<boolean> {
    if (customerIds.length === 0) return false;
    const key = { campaignId: campaign.compiled.id, version: campaign.version };
    const claims = await this.options.sends.begin({
      ...key,
      customers: customerIds.map((customerId) => ({ customerId, partition })),
      maxAudience: campaign.definition.maxAudience ?? null,
      nowMs,
      retryExcludedAfterMs: this.options.retryExcludedAfterMs ?? DEFAULT_RETRY_EXCLUDED_MS,
      pendingLeaseMs: this.options.pendingLeaseMs ?? DEFAULT_PENDING_LEASE_MS,
      decisionIdOf: (customerId, attempt) => campaignSendDecisionId(key.campaignId, key.version, customerId, attempt),
    });
    const claimed: { customerId: string; decisionId: string }[] = [];
    for (const [customerId, claim] of claims) {
      if (claim.kind === 'go') claimed.push({ customerId, decisionId: claim.decisionId });
      else if (claim.kind === 'full') tally.exclude(FULL_REASON);
      else tally.skipped++;
    }
    const decided = await Promise.allSettled(
      claimed.map(({ customerId, decisionId }) =>
        this.options.decisions.decideOwned(
          { decisionId, customerId, channels: [campaign.definition.channel], actions: [key.campaignId], limit: 1, nowMs },
          { type: 'campaign', ...key },
        ),
      ),
    );
    const closes: SendClose[] = [];
    const served: DecisionOutcome[] = [];
    let moved = false;
    decided.forEach((result, i) => {
      const { customerId, decisionId } = claimed[i]!;
      if (result.status === 'fulfilled') {
        const verdict = campaignSendVerdict(result.value, key.campaignId);
        if (verdict.status === 'sent') served.push(result.value);
        closes.push({ customerId, decisionId, ...verdict });
        return;
      }
      const error: unknown = result.reason;
      if (error instanceof KairosError && error.code === 'CUSTOMER_ERASED') closes.push({ customerId, decisionId, status: 'excluded', reason: 'customer_erased' });
      // The send stays pending: its owner (this process or the partition's next one) resumes it after the lease.
      else if (error instanceof KairosError && error.code === 'NOT_PARTITION_OWNER') moved = true;
      else this.options.logger.warn({ campaignId: key.campaignId, err: (error as Error).message }, 'a campaign-send decision failed; the send is resumed after its lease');
    });
    // Durably in the outbox before the sends are closed.
    if (served.length > 0) await this.options.actions.emit(served);
    await this.options.sends.finish(key, closes, this.clock());
    for (const close of closes) tally.count(close.status, close.reason);
    return moved;
  }

  /** Whether the ledger says there is nothing to do for this customer now (saves a transaction per settled customer). */
  private settled(state: SendState | undefined, nowMs: number): boolean {
    if (!state) return false;
    if (state.status === 'sent' || state.status === 'held_out') return true;
    const wait = state.status === 'excluded' ? (this.options.retryExcludedAfterMs ?? DEFAULT_RETRY_EXCLUDED_MS) : (this.options.pendingLeaseMs ?? DEFAULT_PENDING_LEASE_MS);
    return nowMs - state.updatedAtMs < wait;
  }
}

/**
 * The decision id of a send attempt: derived from (campaign, version, customer, attempt), so a resumed attempt asks
 * under the same id and the outbox (unique per decision and action) keeps one message. No customer id in clear.
 */
export function campaignSendDecisionId(campaignId: string, version: number, customerId: string, attempt: number): string {
  const digest = createHash('sha256').update(`${campaignId}\u0000${version}\u0000${customerId}`).digest('hex').slice(0, 32);
  return `cmp-${digest}-${attempt}`;
}

function keyOf(campaign: ActiveAuthoredCampaign): string {
  return `${campaign.compiled.id}@${campaign.version}`;
}

class SendTally {
  sent = 0;
  heldOut = 0;
  skipped = 0;
  private readonly excluded: Record<string, number> = {};

  constructor(private readonly campaign: ActiveAuthoredCampaign) {}

  exclude(reason: string): void {
    this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
  }

  count(status: 'sent' | 'held_out' | 'excluded', reason: string | null): void {
    if (status === 'sent') this.sent++;
    else if (status === 'held_out') this.heldOut++;
    else this.exclude(reason ?? 'not_decided');
  }

  result(): CampaignSendRun {
    return { campaignId: this.campaign.compiled.id, version: this.campaign.version, sent: this.sent, heldOut: this.heldOut, excluded: { ...this.excluded }, skipped: this.skipped };
  }
}

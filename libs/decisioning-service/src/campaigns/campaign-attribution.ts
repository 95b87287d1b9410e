import type { LoggedEvent } from '@kairos/contracts';
import { CONTROL, combineCounts, type CampaignCounts, type CompiledCampaign, type DecisionOutcome } from '@kairos/decisioning';
import type { CampaignLedgerBatch, ExposureResolution, StoredArmCounts, StoredExposure } from '@kairos/persistence';

interface OpenExposure {
  readonly arm: string;
  readonly partition: number;
  readonly exposedAtMs: number;
  readonly decisionId: string;
}

/**
 * Campaign attribution of one process, in memory and without I/O: exposures come from served decisions (the variant
 * shown, or `control` for a holdout), goal events from the applied log credit them within the attribution window,
 * and `settle` closes the rest as failures. Counts = what the shared table held at the last load + what this
 * process did since (not yet written, or being written), so the bandit never waits for the database.
 */
export class CampaignAttribution {
  private base: CampaignCounts = {};
  private local: CampaignCounts = {};
  private inFlight: CampaignCounts = {};
  private readonly open = new Map<string, Map<string, OpenExposure>>();
  private exposures: StoredExposure[] = [];
  private resolutions: ExposureResolution[] = [];
  private forgotten: string[] = [];

  constructor(
    readonly campaigns: ReadonlyMap<string, CompiledCampaign>,
    private readonly partitionOf: (customerId: string) => number,
  ) {}

  /** The exposures a served decision created: each campaign action shown, and each control-group holdout. */
  recordExposures(outcome: DecisionOutcome): void {
    for (const action of outcome.actions) {
      const { campaignId, variantId } = action.content;
      if (campaignId !== null && variantId !== null) this.expose(campaignId, outcome.customerId, variantId, outcome.decidedAtMs, outcome.decisionId);
    }
    for (const holdout of outcome.holdouts) this.expose(holdout.campaignId, outcome.customerId, CONTROL, outcome.decidedAtMs, outcome.decisionId);
  }

  /** Credits goal events of applied records; an erasure drops the customer's open exposures. Returns the credits. */
  onRecords(records: readonly LoggedEvent[]): number {
    let credited = 0;
    for (const { event } of records) {
      if (event.type === 'customer_erased') {
        this.forget(event.customerId);
        continue;
      }
      for (const [campaignId, open] of this.open) {
        const exposure = open.get(event.customerId);
        const campaign = this.campaigns.get(campaignId);
        if (!exposure || !campaign || event.type !== campaign.definition.goal.event.type || !campaign.goalMatches(event)) continue;
        if (event.occurredAtMs < exposure.exposedAtMs || event.occurredAtMs > exposure.exposedAtMs + campaign.goalWithinMs) continue;
        this.resolve(campaignId, event.customerId, exposure, 'success');
        credited++;
      }
    }
    return credited;
  }

  /** Closes exposures whose attribution window ended more than `graceMs` ago as failures; returns how many. */
  settle(nowMs: number, graceMs = 0): number {
    let settled = 0;
    for (const [campaignId, open] of this.open) {
      const campaign = this.campaigns.get(campaignId);
      for (const [customerId, exposure] of open) {
        if (campaign && nowMs <= exposure.exposedAtMs + campaign.goalWithinMs + graceMs) continue;
        this.resolve(campaignId, customerId, exposure, 'failure');
        settled++;
      }
    }
    return settled;
  }

  forget(customerId: string): void {
    for (const open of this.open.values()) open.delete(customerId);
    this.exposures = this.exposures.filter((e) => e.customerId !== customerId);
    this.forgotten.push(customerId);
  }

  /** Outcome counts of every campaign as this process sees them now. */
  counts(): CampaignCounts {
    return combineCounts([this.base, this.inFlight, this.local]);
  }

  /** Open exposures of a campaign known to this process, per arm (counts only, no customer ids). */
  openByArm(campaignId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const exposure of this.open.get(campaignId)?.values() ?? []) out[exposure.arm] = (out[exposure.arm] ?? 0) + 1;
    return out;
  }

  /** Takes what happened since the last batch for writing; its counts stay visible until `loaded` replaces them. */
  takeBatch(atMs: number): CampaignLedgerBatch {
    const batch = { exposures: this.exposures, resolutions: this.resolutions, forgotten: this.forgotten, atMs };
    this.inFlight = combineCounts([this.inFlight, this.local]);
    this.local = {};
    this.exposures = [];
    this.resolutions = [];
    this.forgotten = [];
    return batch;
  }

  /** A batch could not be written: it goes back in front of what came since, to be retried. */
  restoreBatch(batch: CampaignLedgerBatch): void {
    this.exposures = [...batch.exposures, ...this.exposures];
    this.resolutions = [...batch.resolutions, ...this.resolutions];
    this.forgotten = [...batch.forgotten, ...this.forgotten];
    this.local = combineCounts([this.inFlight, this.local]);
    this.inFlight = {};
  }

  /** The shared counts after the in-flight batch was written (they include it) and open exposures other processes wrote. */
  loaded(counts: readonly StoredArmCounts[], openExposures: readonly StoredExposure[] | null): void {
    const base: CampaignCounts = {};
    for (const c of counts) (base[c.campaignId] ??= {})[c.arm] = { exposed: c.exposed, successes: c.successes, failures: c.failures };
    this.base = base;
    this.inFlight = {};
    if (!openExposures) return;
    const resolved = new Set(this.resolutions.map((r) => key(r.campaignId, r.customerId)));
    const forgotten = new Set(this.forgotten);
    for (const e of openExposures) {
      if (!this.campaigns.has(e.campaignId) || resolved.has(key(e.campaignId, e.customerId)) || forgotten.has(e.customerId)) continue;
      let open = this.open.get(e.campaignId);
      if (!open) this.open.set(e.campaignId, (open = new Map()));
      if (!open.has(e.customerId)) open.set(e.customerId, { arm: e.arm, partition: e.partition, exposedAtMs: e.exposedAtMs, decisionId: e.decisionId });
    }
  }

  private expose(campaignId: string, customerId: string, arm: string, atMs: number, decisionId: string): void {
    if (!this.campaigns.has(campaignId)) return;
    let open = this.open.get(campaignId);
    if (!open) this.open.set(campaignId, (open = new Map()));
    // The first exposure counts; a repeat inside the attribution window is the same occasion.
    if (open.has(customerId)) return;
    const exposure: OpenExposure = { arm, partition: this.partitionOf(customerId), exposedAtMs: atMs, decisionId };
    open.set(customerId, exposure);
    this.exposures.push({ campaignId, customerId, ...exposure });
    this.arm(campaignId, arm).exposed++;
  }

  private resolve(campaignId: string, customerId: string, exposure: OpenExposure, outcome: 'success' | 'failure'): void {
    this.open.get(campaignId)?.delete(customerId);
    this.resolutions.push({ campaignId, customerId, arm: exposure.arm, exposedAtMs: exposure.exposedAtMs, outcome });
    const counts = this.arm(campaignId, exposure.arm);
    if (outcome === 'success') counts.successes++;
    else counts.failures++;
  }

  private arm(campaignId: string, arm: string) {
    return ((this.local[campaignId] ??= {})[arm] ??= { exposed: 0, successes: 0, failures: 0 });
  }
}

function key(campaignId: string, customerId: string): string {
  return `${campaignId}\u0000${customerId}`;
}

import type { CustomerEvent } from '@kairos/contracts';
import { z } from 'zod';
import type { CompiledCampaign } from '../catalog/action-catalog';
import type { CampaignState } from '../pipeline/decision-ports';
import { PosteriorSummary, summarizeBeta } from './beta-distribution';

/** The control group's key in counts. */
export const CONTROL = 'control';

export interface ArmCounts {
  exposed: number;
  successes: number;
  failures: number;
}

/** Outcome counts per campaign and arm (variant id or `control`). Sums across partitions with `combineCounts`. */
export type CampaignCounts = Record<string, Record<string, ArmCounts>>;

interface PendingExposure {
  readonly arm: string;
  readonly atMs: number;
}

const countsSchema = z.record(z.string(), z.record(z.string(), z.strictObject({ exposed: z.number().int().min(0), successes: z.number().int().min(0), failures: z.number().int().min(0) })));
const ledgerStateSchema = z.strictObject({
  counts: countsSchema,
  pending: z.array(z.tuple([z.string(), z.string(), z.string(), z.number()])),
});

/**
 * Attribution for campaigns, per partition: an exposure (variant shown, or held out as control) succeeds when the
 * campaign's goal event follows within the attribution window, and fails when the window closes first. The
 * counts feed the Beta-Bernoulli posteriors (alpha = 1 + successes, beta = 1 + failures) and the uplift report.
 */
export class CampaignLedger {
  private counts: CampaignCounts = {};
  /** campaign → customer → the one open exposure (the first one counts; repeats inside the window do not). */
  private readonly pending = new Map<string, Map<string, PendingExposure>>();

  constructor(private readonly campaigns: ReadonlyMap<string, CompiledCampaign>) {}

  /** Records that a customer saw `variantId` (null: held out as control) at `atMs`. */
  expose(campaignId: string, customerId: string, variantId: string | null, atMs: number): void {
    if (!this.campaigns.has(campaignId)) return;
    let open = this.pending.get(campaignId);
    if (!open) this.pending.set(campaignId, (open = new Map()));
    if (open.has(customerId)) return;
    const arm = variantId ?? CONTROL;
    open.set(customerId, { arm, atMs });
    this.arm(campaignId, arm).exposed++;
  }

  /** Credits goal events; returns the campaigns credited. */
  onEvent(event: CustomerEvent): string[] {
    const credited: string[] = [];
    for (const [campaignId, open] of this.pending) {
      const exposure = open.get(event.customerId);
      const campaign = this.campaigns.get(campaignId);
      if (!exposure || !campaign || event.type !== campaign.definition.goal.event.type || !campaign.goalMatches(event)) continue;
      if (event.occurredAtMs < exposure.atMs || event.occurredAtMs > exposure.atMs + campaign.goalWithinMs) continue;
      open.delete(event.customerId);
      this.arm(campaignId, exposure.arm).successes++;
      credited.push(campaignId);
    }
    return credited;
  }

  /** Closes exposures whose attribution window has passed as failures; returns how many. */
  settle(nowMs: number): number {
    let settled = 0;
    for (const [campaignId, open] of this.pending) {
      const campaign = this.campaigns.get(campaignId);
      for (const [customerId, exposure] of open) {
        if (campaign && nowMs <= exposure.atMs + campaign.goalWithinMs) continue;
        open.delete(customerId);
        if (campaign) this.arm(campaignId, exposure.arm).failures++;
        settled++;
      }
    }
    return settled;
  }

  /** Erasure: drops the customer's open exposures (the counts are aggregates and stay). */
  forget(customerId: string): void {
    for (const open of this.pending.values()) open.delete(customerId);
  }

  snapshotCounts(): CampaignCounts {
    return structuredClone(this.counts);
  }

  exportState(): unknown {
    const pending: [string, string, string, number][] = [];
    for (const [campaignId, open] of this.pending) for (const [customerId, e] of open) pending.push([campaignId, customerId, e.arm, e.atMs]);
    return { counts: this.snapshotCounts(), pending };
  }

  importState(state: unknown): void {
    const parsed = ledgerStateSchema.parse(state);
    this.counts = parsed.counts;
    this.pending.clear();
    for (const [campaignId, customerId, arm, atMs] of parsed.pending) {
      let open = this.pending.get(campaignId);
      if (!open) this.pending.set(campaignId, (open = new Map()));
      open.set(customerId, { arm, atMs });
    }
  }

  private arm(campaignId: string, arm: string): ArmCounts {
    const campaign = (this.counts[campaignId] ??= {});
    return (campaign[arm] ??= { exposed: 0, successes: 0, failures: 0 });
  }
}

/** Sums the counts of several partitions (the posterior learns from all customers). */
export function combineCounts(parts: readonly CampaignCounts[]): CampaignCounts {
  const total: CampaignCounts = {};
  for (const part of parts) {
    for (const [campaignId, arms] of Object.entries(part)) {
      for (const [arm, counts] of Object.entries(arms)) {
        const sum = ((total[campaignId] ??= {})[arm] ??= { exposed: 0, successes: 0, failures: 0 });
        sum.exposed += counts.exposed;
        sum.successes += counts.successes;
        sum.failures += counts.failures;
      }
    }
  }
  return total;
}

/** The bandit's view of a campaign: Beta(1 + successes, 1 + failures) per variant, and the audience so far. */
export function campaignState(campaign: CompiledCampaign, counts: CampaignCounts): CampaignState {
  const arms = counts[campaign.id] ?? {};
  let audience = 0;
  for (const counted of Object.values(arms)) audience += counted.exposed;
  return {
    arms: campaign.definition.variants.map((variant) => {
      const counted = arms[variant.id];
      return { variantId: variant.id, alpha: 1 + (counted?.successes ?? 0), beta: 1 + (counted?.failures ?? 0) };
    }),
    audience,
  };
}

export interface ArmReport extends ArmCounts {
  readonly arm: string;
  /** Settled exposures that reached the goal. */
  readonly rate: number | null;
  readonly posterior: PosteriorSummary;
}

export interface CampaignReport {
  readonly campaignId: string;
  readonly variants: readonly ArmReport[];
  readonly treated: ArmReport;
  readonly control: ArmReport;
  /** Treated rate − control rate with a 95% (Wald) interval; null until both groups have settled exposures. */
  readonly uplift: { readonly absolute: number; readonly lower95: number; readonly upper95: number; readonly relative: number | null } | null;
}

export function campaignReport(campaign: CompiledCampaign, counts: CampaignCounts): CampaignReport {
  const arms = counts[campaign.id] ?? {};
  const variants = campaign.definition.variants.map((variant) => armReport(variant.id, arms[variant.id]));
  const treatedCounts = variants.reduce<ArmCounts>((sum, v) => ({ exposed: sum.exposed + v.exposed, successes: sum.successes + v.successes, failures: sum.failures + v.failures }), { exposed: 0, successes: 0, failures: 0 });
  const treated = armReport('treated', treatedCounts);
  const control = armReport(CONTROL, arms[CONTROL]);
  return { campaignId: campaign.id, variants, treated, control, uplift: uplift(treated, control) };
}

function armReport(arm: string, counts: ArmCounts | undefined): ArmReport {
  const { exposed = 0, successes = 0, failures = 0 } = counts ?? {};
  const settled = successes + failures;
  return { arm, exposed, successes, failures, rate: settled === 0 ? null : successes / settled, posterior: summarizeBeta(1 + successes, 1 + failures) };
}

function uplift(treated: ArmReport, control: ArmReport): CampaignReport['uplift'] {
  if (treated.rate === null || control.rate === null) return null;
  const nt = treated.successes + treated.failures;
  const nc = control.successes + control.failures;
  const absolute = treated.rate - control.rate;
  const se = Math.sqrt((treated.rate * (1 - treated.rate)) / nt + (control.rate * (1 - control.rate)) / nc);
  return { absolute, lower95: absolute - 1.96 * se, upper95: absolute + 1.96 * se, relative: control.rate === 0 ? null : absolute / control.rate };
}

import { CONTROL, campaignReport, campaignState, type CampaignCounts, type CompiledCampaign } from '@kairos/decisioning';
import { probabilityOfBeingBest } from './probability-best';

export type CampaignStatus = 'scheduled' | 'running' | 'full' | 'ended';

export interface CampaignSummary {
  readonly id: string;
  readonly description: string;
  readonly status: CampaignStatus;
  readonly channels: readonly string[];
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly audience: number;
  readonly maxAudience: number | null;
}

export interface ArmView {
  readonly exposed: number;
  readonly successes: number;
  readonly failures: number;
  /** Exposures still inside their attribution window. */
  readonly pending: number;
  /** Settled exposures that reached the goal; null before any settled. */
  readonly conversionRate: number | null;
  readonly posterior: { readonly alpha: number; readonly beta: number; readonly mean: number; readonly credibleInterval95: readonly [number, number] };
}

export interface CampaignView extends CampaignSummary {
  readonly segment: string | null;
  readonly goal: { readonly event: unknown; readonly within: string };
  readonly exclusions: { readonly inOtherCampaignWithin: string | null };
  readonly controlShare: number;
  readonly variants: readonly (ArmView & { readonly variantId: string; readonly contentRef: string; readonly probabilityBest: number })[];
  readonly treated: ArmView;
  readonly control: ArmView;
  /**
   * Treated conversion − control conversion (absolute, with a 95% Wald interval) and relative to control; null
   * until both groups have settled exposures.
   */
  readonly uplift: { readonly absolute: number; readonly interval95: readonly [number, number]; readonly relative: number | null } | null;
}

/** The channels an action of the campaign may go out on (a campaign reaches people through its actions). */
export type CampaignChannels = (campaignId: string) => readonly string[];

export function campaignStatus(campaign: CompiledCampaign, audience: number, nowMs: number): CampaignStatus {
  if (nowMs < campaign.startsAtMs) return 'scheduled';
  if (nowMs >= campaign.endsAtMs) return 'ended';
  const max = campaign.definition.maxAudience;
  return max !== undefined && audience >= max ? 'full' : 'running';
}

export function campaignSummary(campaign: CompiledCampaign, counts: CampaignCounts, channels: CampaignChannels, nowMs: number): CampaignSummary {
  const { definition } = campaign;
  const audience = campaignState(campaign, counts).audience;
  return {
    id: campaign.id,
    description: definition.description,
    status: campaignStatus(campaign, audience, nowMs),
    channels: channels(campaign.id),
    startsAt: definition.startsAt ?? null,
    endsAt: definition.endsAt ?? null,
    audience,
    maxAudience: definition.maxAudience ?? null,
  };
}

/** The campaign for people: definition, audience, posterior per variant, control group and uplift. */
export function campaignView(campaign: CompiledCampaign, counts: CampaignCounts, pending: (arm: string) => number, channels: CampaignChannels, nowMs: number): CampaignView {
  const { definition } = campaign;
  const report = campaignReport(campaign, counts);
  const state = campaignState(campaign, counts);
  const best = probabilityOfBeingBest(campaign.id, state.arms);
  const armView = (arm: (typeof report.variants)[number], open: number): ArmView => ({
    exposed: arm.exposed,
    successes: arm.successes,
    failures: arm.failures,
    pending: open,
    conversionRate: arm.rate,
    posterior: { alpha: arm.posterior.alpha, beta: arm.posterior.beta, mean: arm.posterior.mean, credibleInterval95: [arm.posterior.lower95, arm.posterior.upper95] },
  });
  const variants = definition.variants.map((variant, i) => ({
    variantId: variant.id,
    contentRef: variant.contentRef,
    ...armView(report.variants[i], pending(variant.id)),
    probabilityBest: best[variant.id] ?? 0,
  }));
  return {
    ...campaignSummary(campaign, counts, channels, nowMs),
    segment: definition.segment ?? null,
    goal: { event: definition.goal.event, within: definition.goal.within },
    exclusions: { inOtherCampaignWithin: definition.excludeIfInOtherCampaignWithin ?? null },
    controlShare: definition.controlShare,
    variants,
    treated: armView(report.treated, variants.reduce((sum, v) => sum + v.pending, 0)),
    control: armView(report.control, pending(CONTROL)),
    uplift: report.uplift && { absolute: report.uplift.absolute, interval95: [report.uplift.lower95, report.uplift.upper95], relative: report.uplift.relative },
  };
}

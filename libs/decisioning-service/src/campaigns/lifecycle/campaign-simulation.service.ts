import { KairosError } from '@kairos/contracts';
import { checkCampaignDefinition, isInControlGroup, type ActionCatalog, type CompiledCampaign } from '@kairos/decisioning';
import type { CampaignVersionRepository } from '@kairos/persistence';
import { RuleSetSimulator, simulateRuleSetRequestSchema, type SimulationEvaluator, type SimulationReport, type SimulationSources } from '@kairos/rules-service';
import type { z } from 'zod';
import { segmentHolds } from '../send/campaign-segment';

/** POST /v1/campaigns/{id}/simulate: which version (default the latest, e.g. a draft) over which customers. */
export const simulateCampaignRequestSchema = simulateRuleSetRequestSchema.omit({ decision: true, channels: true, context: true });
export type SimulateCampaignRequest = z.infer<typeof simulateCampaignRequestSchema>;

export interface CampaignSimulationAnswer extends SimulationReport {
  readonly campaignId: string;
  readonly version: number;
  readonly status: string;
  readonly channel: string;
  /** Distinct customers in the segment on a day the campaign runs, against the audience cap. */
  readonly audience: { readonly customers: number; readonly maxAudience: number | null; readonly wouldFill: boolean };
  /** Customer-days in the segment, split into contacted and held out as control group (by serving's hash). */
  readonly customerDays: { readonly contacted: number; readonly control: number };
  /** What a run over history cannot know, so the counts are an upper bound. */
  readonly notSimulated: readonly string[];
}

export interface CampaignSimulationOptions {
  readonly repository: CampaignVersionRepository;
  readonly catalog: ActionCatalog;
  readonly isFeature: (name: string) => boolean;
  /** The rule-set simulation's sources: stored history of owned partitions, current profiles, a seeded population. */
  readonly sources: SimulationSources;
  readonly clock?: () => number;
}

/**
 * Runs a campaign version — before anyone approves it — over the stored event history, the current profiles or a
 * simulated population, with the rule-set simulator: profiles folded day by day, the segment evaluated at each
 * day's end for the customers active that day, inside the campaign's start and end. Reports counts per day and
 * channel only; customer ids never leave the simulator.
 */
export class CampaignSimulationService {
  constructor(private readonly options: CampaignSimulationOptions) {}

  async simulate(campaignId: string, request: SimulateCampaignRequest): Promise<CampaignSimulationAnswer> {
    const versions = await this.options.repository.versionsOf(campaignId);
    const row = request.version === undefined ? versions[0] : versions.find((v) => v.version === request.version);
    if (!row) throw new KairosError('NOT_FOUND', 'no such campaign version', [{ path: request.version === undefined ? 'campaignId' : 'version', rule: 'exists', message: 'no authored campaign version like this' }]);
    if (request.source.kind === 'population' && !this.options.sources.population) {
      throw new KairosError('VALIDATION_FAILED', 'this process has no simulated population', [{ path: 'source.kind', rule: 'unavailable', message: 'population simulation is not available here' }]);
    }
    const { definition, compiled } = checkCampaignDefinition(JSON.parse(row.definition) as unknown, { catalog: this.options.catalog, isFeature: this.options.isFeature });
    const report = await new RuleSetSimulator(this.options.sources, {
      evaluate: campaignEvaluator(compiled),
      source: request.source,
      channels: [definition.channel],
      context: {},
      limits: request.limits,
      nowMs: (this.options.clock ?? Date.now)(),
    }).run();
    const contacted = report.outcomes['"contacted"'] ?? 0;
    const control = report.outcomes['"control"'] ?? 0;
    const maxAudience = definition.maxAudience ?? null;
    return {
      campaignId,
      version: row.version,
      status: row.status,
      channel: definition.channel,
      ...report,
      audience: { customers: report.customersHit, maxAudience, wouldFill: maxAudience !== null && report.customersHit >= maxAudience },
      customerDays: { contacted, control },
      notSimulated: ['model_scores', 'contact_policy', 'consent', ...(compiled.excludeWithinMs === null ? [] : ['other_campaign_exclusion'])],
    };
  }
}

/**
 * Per customer-day: outside the schedule or the segment → no hit (null / false); inside → `contacted`, or `control`
 * by the same hash serving uses. Scores read as absent (the simulator folds features, it does not score).
 */
function campaignEvaluator(campaign: CompiledCampaign): SimulationEvaluator {
  const share = campaign.definition.controlShare;
  return (read, channel, atMs, customerId) => {
    if (atMs < campaign.startsAtMs || atMs >= campaign.endsAtMs) return { value: null, ruleIds: [] };
    if (campaign.segment && !segmentHolds(campaign.segment, read, {}, channel)) return { value: false, ruleIds: [] };
    return { value: isInControlGroup(campaign.id, customerId, share) ? 'control' : 'contacted', ruleIds: [] };
  };
}

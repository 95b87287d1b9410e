import { KairosError, fromZodIssues, type ValidationIssue } from '@kairos/contracts';
import { z } from 'zod';
import { compileActionCatalog, type ActionCatalog, type CompiledAction, type CompiledCampaign } from './action-catalog';
import { campaignSchema, decisionChannelSchema } from './action-catalog.schema';

/**
 * A campaign as authored over HTTP: the catalog's campaign fields (segment over features and scores, exclusions,
 * goal event and attribution window, audience cap, start and end, variants, control share) plus the outbound
 * channel it contacts customers on. Strict: an unknown field is an error, never ignored.
 */
export const campaignDefinitionSchema = campaignSchema.extend({ channel: decisionChannelSchema });
export type AuthoredCampaign = z.infer<typeof campaignDefinitionSchema>;

/** What the check needs besides the definition: the catalog in force and the feature registry. */
export interface CampaignCheckOptions {
  readonly catalog: ActionCatalog;
  readonly isFeature: (name: string) => boolean;
}

/**
 * An authored campaign has no business value or propensity model of its own (the definition carries neither): its
 * action competes in arbitration with these, a middling offer's. Reaching its segment on its channel is the point.
 */
export const AUTHORED_CAMPAIGN_VALUE = 100;
export const AUTHORED_CAMPAIGN_PROPENSITY = 0.25;

/** An authored campaign compiled as the catalog serves it: its campaign and the action that carries it. */
export interface CompiledAuthoredCampaign {
  readonly definition: AuthoredCampaign;
  readonly compiled: CompiledCampaign;
  /** An offer with the campaign's id on its channel, purpose marketing, content chosen by the campaign's bandit. */
  readonly action: CompiledAction;
}

/**
 * Validates a campaign definition exactly as the catalog would and compiles it for serving: it is compiled inside a
 * catalog of one action on its channel that points at the campaign — the shape a campaign of actions.json has — so
 * segment names, goal events, durations and start/end are checked by the same code that serves campaigns. Throws
 * VALIDATION_FAILED naming `campaign.<field>` and the rule.
 */
export function compileAuthoredCampaign(raw: unknown, options: CampaignCheckOptions): CompiledAuthoredCampaign {
  const parsed = campaignDefinitionSchema.safeParse(raw);
  if (!parsed.success) throw invalid(fromZodIssues(parsed.error.issues, ['campaign']));
  const { channel, ...campaign } = parsed.data;
  const policy = options.catalog.channels.get(channel);
  if (!policy || policy.direction !== 'outbound') {
    throw invalid([{ path: 'campaign.channel', rule: 'outbound_channel', message: `must be an outbound channel of the catalog (${outboundChannels(options.catalog).join(', ')})` }]);
  }
  const external = new Set(options.catalog.externalFeatures);
  try {
    const catalog = compileActionCatalog(
      {
        version: 'authored-campaign',
        channels: { [channel]: policy },
        contactPolicy: { caps: [] },
        responsibleLending: { overLimit: 'false', inArrears: 'false' },
        actions: [
          {
            id: campaign.id,
            kind: 'offer',
            description: campaign.description,
            channels: [channel],
            purposes: ['marketing'],
            value: AUTHORED_CAMPAIGN_VALUE,
            propensity: { default: AUTHORED_CAMPAIGN_PROPENSITY },
            content: { campaign: campaign.id },
          },
        ],
        campaigns: [campaign],
      },
      { isFeature: (name) => external.has(name) || options.isFeature(name) },
    );
    return { definition: parsed.data, compiled: catalog.campaigns.get(campaign.id) as CompiledCampaign, action: catalog.actions[0] as CompiledAction };
  } catch (error) {
    if (!(error instanceof KairosError)) throw error;
    throw invalid(error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^campaigns\[0\]/, () => 'campaign') })));
  }
}

/** `compileAuthoredCampaign` for callers that only need the definition and its campaign (validation, simulation). */
export function checkCampaignDefinition(raw: unknown, options: CampaignCheckOptions): { definition: AuthoredCampaign; compiled: CompiledCampaign } {
  const { definition, compiled } = compileAuthoredCampaign(raw, options);
  return { definition, compiled };
}

function outboundChannels(catalog: ActionCatalog): string[] {
  return [...catalog.channels].filter(([, policy]) => policy.direction === 'outbound').map(([name]) => name);
}

function invalid(issues: readonly ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `the campaign is invalid${first ? `: ${first.path}: ${first.message}` : ''}`, [...issues]);
}

import { KairosError, ValidationIssue, fromZodIssues } from '@kairos/contracts';
import { ConditionExpression, EventPredicate, canonicalJson, compileCondition, compileEventMatch, durationMs, isConditionExpression, isKnownTimeZone } from '@kairos/triggers';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ActionCatalogDocument,
  ActionDefinition,
  CampaignDefinition,
  ChannelPolicy,
  DecisionChannel,
  actionCatalogSchema,
} from './action-catalog.schema';
import { splitConjunction } from './conjunction';

/** Where the catalog lives when the caller does not say: under the working directory, like the access policy. */
export const DEFAULT_ACTION_CATALOG_FILE = 'governance/actions.json';

/** Names decision expressions may read besides features. */
export const DECISION_VARIABLES = ['context', 'scores', 'channel', 'placement', 'triggers'] as const;

export interface CompiledCap {
  readonly max: number;
  readonly withinMs: number;
  /** `2/7d`, as reason codes show it. */
  readonly text: string;
}

export interface CompiledContextWeight {
  readonly description: string;
  readonly trigger?: string;
  readonly channel?: DecisionChannel;
  readonly placement?: string;
  readonly when: ConditionExpression | null;
  readonly weight: number;
}

export interface CompiledCampaign {
  readonly definition: CampaignDefinition;
  readonly id: string;
  readonly segment: ConditionExpression | null;
  readonly goalWithinMs: number;
  readonly goalMatches: EventPredicate;
  readonly excludeWithinMs: number | null;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

export interface CompiledAction {
  readonly definition: ActionDefinition;
  readonly id: string;
  readonly version: number;
  readonly channels: ReadonlySet<DecisionChannel>;
  /** Top-level clauses of the eligibility expression; empty: always eligible. */
  readonly eligibility: readonly ConditionExpression[];
  readonly applicableWhen: ConditionExpression | null;
  readonly contextWeights: readonly CompiledContextWeight[];
  readonly caps: readonly CompiledCap[];
  readonly declineCooldownMs: number;
  readonly campaign: CompiledCampaign | null;
}

/** A validated, compiled action catalog; immutable, shared by all decisions. */
export interface ActionCatalog {
  readonly version: string;
  /** Names the runtime must supply from outside the profile (see `externalFeatures` in the document). */
  readonly externalFeatures: readonly string[];
  readonly fingerprint: string;
  readonly defaultTimeZone: string;
  readonly channels: ReadonlyMap<DecisionChannel, ChannelPolicy>;
  readonly channelCaps: readonly (CompiledCap & { readonly channel: DecisionChannel | '*' })[];
  readonly responsibleLending: { readonly overLimit: ConditionExpression; readonly inArrears: ConditionExpression };
  readonly actions: readonly CompiledAction[];
  readonly actionsById: ReadonlyMap<string, CompiledAction>;
  readonly campaigns: ReadonlyMap<string, CompiledCampaign>;
}

export interface ActionCatalogOptions {
  /**
   * Feature names expressions may read (e.g. `(name) => registry.has(name)`), besides the document's external
   * features; omitted: not checked.
   */
  readonly isFeature?: (name: string) => boolean;
  /** Trigger ids actions may refer to; omitted: not checked. */
  readonly triggerIds?: ReadonlySet<string>;
}

/** Validates and compiles a catalog document; every problem is reported at once (VALIDATION_FAILED with paths). */
export function compileActionCatalog(raw: unknown, options: ActionCatalogOptions = {}): ActionCatalog {
  const parsed = actionCatalogSchema.safeParse(raw);
  if (!parsed.success) throw catalogError(fromZodIssues(parsed.error.issues));
  const document = parsed.data;
  const issues: ValidationIssue[] = [];
  const external = new Set(document.externalFeatures.map((f) => f.name));
  const isKnown = options.isFeature ? (name: string) => external.has(name) || (options.isFeature as (n: string) => boolean)(name) : undefined;
  const expression = (source: string, path: string) => compileExpression(source, path, isKnown, issues);

  if (!isKnownTimeZone(document.defaultTimeZone)) issues.push({ path: 'defaultTimeZone', rule: 'time_zone', message: 'is not an IANA time zone' });
  for (const [channel, policy] of Object.entries(document.channels)) {
    if (policy?.quietHours && policy.direction === 'inbound') issues.push({ path: `channels.${channel}.quietHours`, rule: 'inbound_quiet_hours', message: 'quiet hours apply to outbound channels only' });
  }
  const campaigns = new Map<string, CompiledCampaign>();
  document.campaigns.forEach((campaign, i) => {
    const path = `campaigns[${i}]`;
    if (campaigns.has(campaign.id)) issues.push({ path: `${path}.id`, rule: 'unique', message: `campaign id ${campaign.id} is used twice` });
    if (new Set(campaign.variants.map((v) => v.id)).size !== campaign.variants.length) issues.push({ path: `${path}.variants`, rule: 'unique', message: 'variant ids must be unique' });
    const startsAtMs = campaign.startsAt ? Date.parse(campaign.startsAt) : Number.NEGATIVE_INFINITY;
    const endsAtMs = campaign.endsAt ? Date.parse(campaign.endsAt) : Number.POSITIVE_INFINITY;
    if (startsAtMs >= endsAtMs) issues.push({ path: `${path}.endsAt`, rule: 'after_start', message: 'must lie after startsAt' });
    campaigns.set(campaign.id, {
      definition: campaign,
      id: campaign.id,
      segment: campaign.segment ? expression(campaign.segment, `${path}.segment`) : null,
      goalWithinMs: durationMs(campaign.goal.within),
      goalMatches: compileEventMatch(campaign.goal.event),
      excludeWithinMs: campaign.excludeIfInOtherCampaignWithin ? durationMs(campaign.excludeIfInOtherCampaignWithin) : null,
      startsAtMs,
      endsAtMs,
    });
  });

  const actions: CompiledAction[] = [];
  const actionsById = new Map<string, CompiledAction>();
  document.actions.forEach((action, i) => {
    const path = `actions[${i}]`;
    if (actionsById.has(action.id)) issues.push({ path: `${path}.id`, rule: 'unique', message: `action id ${action.id} is used twice` });
    for (const channel of action.channels) {
      if (!document.channels[channel]) issues.push({ path: `${path}.channels`, rule: 'unknown_channel', message: `channel ${channel} has no channel policy` });
    }
    const campaignId = 'campaign' in action.content ? action.content.campaign : null;
    if (campaignId !== null && !campaigns.has(campaignId)) issues.push({ path: `${path}.content.campaign`, rule: 'unknown_campaign', message: `no campaign ${campaignId}` });
    for (const [j, trigger] of [...(action.applicability.triggers ?? []), ...action.contextWeights.flatMap((w) => (w.trigger ? [w.trigger] : []))].entries()) {
      if (options.triggerIds && !options.triggerIds.has(trigger)) issues.push({ path: `${path}.triggers[${j}]`, rule: 'unknown_trigger', message: `no trigger ${trigger}` });
    }
    const compiled: CompiledAction = {
      definition: action,
      id: action.id,
      version: action.version,
      channels: new Set(action.channels),
      eligibility: action.eligibility ? splitConjunction(action.eligibility).flatMap((clause) => expression(clause, `${path}.eligibility`) ?? []) : [],
      applicableWhen: action.applicability.when ? expression(action.applicability.when, `${path}.applicability.when`) : null,
      contextWeights: action.contextWeights.map((weight, j) => ({
        description: describeWeight(weight),
        trigger: weight.trigger,
        channel: weight.channel,
        placement: weight.placement,
        when: weight.when ? expression(weight.when, `${path}.contextWeights[${j}].when`) : null,
        weight: weight.weight,
      })),
      caps: action.contactPolicy.caps.map((cap) => ({ max: cap.max, withinMs: durationMs(cap.within), text: `${cap.max}/${cap.within}` })),
      declineCooldownMs: durationMs(action.contactPolicy.declineCooldown ?? document.contactPolicy.declineCooldown),
      campaign: campaignId === null ? null : (campaigns.get(campaignId) ?? null),
    };
    actions.push(compiled);
    actionsById.set(action.id, compiled);
  });

  const overLimit = expression(document.responsibleLending.overLimit, 'responsibleLending.overLimit');
  const inArrears = expression(document.responsibleLending.inArrears, 'responsibleLending.inArrears');
  if (issues.length > 0 || !overLimit || !inArrears) throw catalogError(issues);
  return Object.freeze({
    version: document.version,
    externalFeatures: [...external],
    fingerprint: createHash('sha256').update(canonicalJson(document)).digest('hex').slice(0, 32),
    defaultTimeZone: document.defaultTimeZone,
    channels: new Map(Object.entries(document.channels) as [DecisionChannel, ChannelPolicy][]),
    channelCaps: document.contactPolicy.caps.map((cap) => ({ channel: cap.channel, max: cap.max, withinMs: durationMs(cap.within), text: `${cap.max}/${cap.within}` })),
    responsibleLending: { overLimit, inArrears },
    actions,
    actionsById,
    campaigns,
  });
}

/** Reads and compiles a catalog file (JSON). */
export function loadActionCatalogFile(path: string = DEFAULT_ACTION_CATALOG_FILE, options: ActionCatalogOptions = {}): ActionCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    throw new KairosError('VALIDATION_FAILED', `action catalog ${path} is not readable JSON: ${(error as Error).message}`, [
      { path: '(root)', rule: 'invalid_json', message: 'not readable JSON' },
    ]);
  }
  return compileActionCatalog(raw, options);
}

export type { ActionCatalogDocument };

function compileExpression(source: string, path: string, isKnown: ((name: string) => boolean) | undefined, issues: ValidationIssue[]): ConditionExpression | null {
  const compiled = compileCondition(source, path);
  if (!isConditionExpression(compiled)) {
    issues.push(compiled);
    return null;
  }
  for (const name of compiled.names) {
    if ((DECISION_VARIABLES as readonly string[]).includes(name)) continue;
    if (isKnown && !isKnown(name)) issues.push({ path, rule: 'unknown_feature', message: `${name} is not a feature of the registry` });
  }
  return compiled;
}

function describeWeight(weight: ActionDefinition['contextWeights'][number]): string {
  const parts = [
    weight.trigger && `trigger=${weight.trigger}`,
    weight.channel && `channel=${weight.channel}`,
    weight.placement && `placement=${weight.placement}`,
    weight.when && `when ${weight.when}`,
  ].filter(Boolean);
  return `${parts.join(' & ')} ×${weight.weight}`;
}

function catalogError(issues: readonly ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `action catalog rejected${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}

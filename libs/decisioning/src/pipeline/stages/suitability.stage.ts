import { CONSENT_PURPOSES, ConsentPurpose } from '@kairos/contracts';
import type { CompiledAction } from '../../catalog/action-catalog';
import type { DecisionChannel } from '../../catalog/action-catalog.schema';
import { isInControlGroup } from '../../bandit/control-group';
import { hint } from '../counterfactual-hints';
import type { DecisionContext } from '../decision-context';
import { StageVerdict, VerdictBuilder } from './stage-verdict';

const CONSENT_PURPOSE_SET: ReadonlySet<string> = new Set(CONSENT_PURPOSES);
const PROFILING_PURPOSES = ['profiling', 'ai_personalization'];

/**
 * Suitability: is the action right for this person — consent for each consent-based purpose on the channel,
 * objections (Art. 21), responsible lending, approved content, campaign control group, exclusions and size.
 * All reasons are collected, so the explanation names every obstacle, not just the first.
 */
export function checkSuitability(action: CompiledAction, channel: DecisionChannel, context: DecisionContext): StageVerdict {
  const verdict = new VerdictBuilder();
  const definition = action.definition;
  const consentChannel = context.catalog.channels.get(channel)?.consentChannel ?? null;
  const allowedOn = `${action.id} allowed on ${channel}`;
  if (definition.purposes.some((p) => PROFILING_PURPOSES.includes(p)) && context.objectsTo('profiling')) {
    verdict.fail('objection:profiling', hint('objection:profiling', true, false, allowedOn));
  }
  if (definition.purposes.includes('marketing') && context.objectsTo('direct_marketing')) {
    verdict.fail('objection:direct_marketing', hint('objection:direct_marketing', true, false, allowedOn));
  }
  for (const purpose of definition.purposes) {
    if (!CONSENT_PURPOSE_SET.has(purpose) || context.may(purpose as ConsentPurpose, consentChannel)) continue;
    const scope = `${purpose}:${consentChannel ?? 'any'}`;
    verdict.fail(`consent_missing:${scope}`, hint(`consent:${scope}`, 'not given', 'given', allowedOn));
  }
  if (definition.responsibleLending.credit) {
    const lending = context.lendingSignals();
    if (lending.unknown) verdict.fail('responsible_lending:unknown', hint('responsible_lending:signals', 'unavailable', 'available', allowedOn));
    if (lending.inArrears) verdict.fail('responsible_lending:in_arrears', hint('responsible_lending:in_arrears', true, false, allowedOn));
    if (lending.overLimit && !definition.responsibleLending.consolidatesDebt) {
      verdict.fail('responsible_lending:over_limit', hint('responsible_lending:over_limit', true, false, allowedOn));
    }
  }
  if ('ref' in definition.content) {
    if (context.approvedContent(definition.content.ref) === null) {
      verdict.fail(`content_not_approved:${definition.content.ref}`, hint(`content:${definition.content.ref}`, 'not approved', 'approved', allowedOn));
    }
  } else if (action.campaign) {
    checkCampaign(action, context, verdict, allowedOn);
  }
  return verdict.build();
}

function checkCampaign(action: CompiledAction, context: DecisionContext, verdict: VerdictBuilder, allowedOn: string): void {
  const campaign = action.campaign;
  if (!campaign) return;
  const definition = campaign.definition;
  if (!definition.variants.some((variant) => context.approvedContent(variant.contentRef) !== null)) {
    verdict.fail(`content_not_approved:${campaign.id}`, hint(`content:${campaign.id}`, 'no approved variant', 'approved', allowedOn));
  }
  if (isInControlGroup(campaign.id, context.request.customerId, definition.controlShare)) {
    verdict.fail(`control_group:${campaign.id}`, hint(`control_group:${campaign.id}`, true, false, allowedOn));
  }
  if (campaign.excludeWithinMs !== null) {
    const since = context.nowMs - campaign.excludeWithinMs;
    const other = (context.inputs.contacts ?? []).find((c) => c.kind === 'contact' && c.campaignId !== undefined && c.campaignId !== campaign.id && c.atMs >= since);
    if (other) verdict.fail(`campaign_exclusion:${other.campaignId}`, hint(`contacted_by_campaign:${other.campaignId}`, true, false, allowedOn));
  }
  if (definition.maxAudience !== undefined) {
    const audience = context.campaign(campaign.id)?.audience ?? 0;
    if (audience >= definition.maxAudience) verdict.fail(`campaign_full:${campaign.id}`, hint(`audience:${campaign.id}`, audience, definition.maxAudience - 1, allowedOn));
  }
}

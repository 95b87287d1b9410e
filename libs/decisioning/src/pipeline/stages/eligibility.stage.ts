import type { CompiledAction } from '../../catalog/action-catalog';
import { hint } from '../counterfactual-hints';
import type { DecisionContext } from '../decision-context';
import { StageVerdict, VerdictBuilder } from './stage-verdict';

/**
 * Eligibility: may this customer have the action at all? The catalog expression (clause by clause), the DMN
 * rule it names, the campaign's segment and run time. Independent of the channel.
 */
export function checkEligibility(action: CompiledAction, context: DecisionContext): StageVerdict {
  const verdict = new VerdictBuilder();
  for (const clause of action.eligibility) {
    if (!context.holds(clause, null)) verdict.fail(`ineligible:${clause.source}`, hint(clause.source, false, true, `${action.id} eligible`));
  }
  const rule = action.definition.eligibilityRule;
  if (rule) {
    const outcome = context.rule(rule.ruleSet, rule.decision, null);
    if (outcome === null) verdict.fail(`ineligible:rule_unavailable:${rule.ruleSet}`, hint(`rule:${rule.ruleSet}`, 'not deployed', 'deployed', `${action.id} evaluated`));
    else if (outcome.value !== true) verdict.fail(`ineligible:rule:${rule.ruleSet}/${rule.decision}`, hint(`rule:${rule.ruleSet}/${rule.decision}`, scalar(outcome.value), true, `${action.id} eligible`));
  }
  const campaign = action.campaign;
  if (campaign) {
    if (context.nowMs < campaign.startsAtMs || context.nowMs >= campaign.endsAtMs) {
      verdict.fail(`campaign_inactive:${campaign.id}`, hint(`campaign:${campaign.id}:running`, false, true, `${action.id} eligible`));
    }
    if (campaign.segment && !context.holds(campaign.segment, null)) {
      verdict.fail(`not_in_segment:${campaign.id}`, hint(campaign.segment.source, false, true, `${action.id} eligible`));
    }
  }
  return verdict.build();
}

function scalar(value: unknown): string | number | boolean | null {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null || value === undefined ? null : JSON.stringify(value);
}

import type { CompiledAction } from '../../catalog/action-catalog';
import type { DecisionChannel } from '../../catalog/action-catalog.schema';
import { hint } from '../counterfactual-hints';
import type { DecisionContext } from '../decision-context';
import { StageVerdict, VerdictBuilder } from './stage-verdict';

/** Applicability: does the action fit this interaction — placement, a trigger that makes it relevant, context? */
export function checkApplicability(action: CompiledAction, channel: DecisionChannel, context: DecisionContext): StageVerdict {
  const verdict = new VerdictBuilder();
  const placements = action.definition.placements;
  const placement = context.request.placement ?? null;
  if (placements && (placement === null || !placements.includes(placement))) {
    verdict.fail('not_applicable:placement', hint('placement', placement, placements[0], `${action.id} applicable`));
  }
  const triggers = action.definition.applicability.triggers;
  if (triggers && !triggers.some((id) => context.triggerIds.has(id))) {
    verdict.fail('not_applicable:no_trigger', hint(`trigger:${triggers.join('|')}`, false, true, `${action.id} applicable`));
  }
  if (action.applicableWhen && !context.holds(action.applicableWhen, channel)) {
    verdict.fail('not_applicable:condition', hint(action.applicableWhen.source, false, true, `${action.id} applicable`));
  }
  return verdict.build();
}

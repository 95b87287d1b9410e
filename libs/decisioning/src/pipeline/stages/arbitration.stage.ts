import type { AuditCounterfactual } from '@kairos/audit';
import type { CompiledAction } from '../../catalog/action-catalog';
import type { DecisionChannel } from '../../catalog/action-catalog.schema';
import { hint, roundDown, roundUp } from '../counterfactual-hints';
import type { DecisionContext } from '../decision-context';
import type { PriorityFactors } from '../decision-outcome';

/** A candidate that passed every stage before arbitration. */
export interface ArbitrationCandidate {
  readonly action: CompiledAction;
  readonly channel: DecisionChannel;
  /** Position of the channel in the request, the last tie-breaker. */
  readonly channelOrder: number;
  readonly factors: PriorityFactors;
  readonly priority: number;
}

/** priority = propensity × value × context weight × business lever. */
export function priorityFactors(action: CompiledAction, channel: DecisionChannel, context: DecisionContext): PriorityFactors {
  const definition = action.definition;
  const model = definition.propensity.model ?? null;
  const score = model === null ? undefined : context.scores[model];
  let propensity: PriorityFactors['propensity'];
  if (score !== undefined && model !== null) propensity = { value: clamp01(score.score), source: 'model', model, modelVersion: score.version };
  else if (model !== null && context.objectsTo('profiling')) propensity = { value: definition.propensity.default, source: 'default_profiling_objection', model, modelVersion: null };
  else propensity = { value: definition.propensity.default, source: 'default', model, modelVersion: null };

  let weight = 1;
  const matched: string[] = [];
  for (const w of action.contextWeights) {
    if (w.trigger !== undefined && !context.triggerIds.has(w.trigger)) continue;
    if (w.channel !== undefined && w.channel !== channel) continue;
    if (w.placement !== undefined && w.placement !== context.request.placement) continue;
    if (w.when !== null && !context.holds(w.when, channel)) continue;
    weight *= w.weight;
    matched.push(w.description);
  }
  const override = context.inputs.levers?.[action.id];
  const lever = definition.lever * (override ?? 1);
  return {
    propensity,
    value: definition.value,
    contextWeight: { value: weight, matched },
    lever: { value: lever, catalog: definition.lever, override: override ?? null },
  };
}

export function priorityOf(factors: PriorityFactors): number {
  return factors.propensity.value * factors.value * factors.contextWeight.value * factors.lever.value;
}

/** Highest priority first; ties by action id, then by the order of channels in the request (deterministic). */
export function byPriority(a: ArbitrationCandidate, b: ArbitrationCandidate): number {
  return b.priority - a.priority || (a.action.id < b.action.id ? -1 : a.action.id > b.action.id ? 1 : 0) || a.channelOrder - b.channelOrder;
}

/**
 * "If its propensity had been ≥ x, this action would have ranked first" — or, when no propensity can do it, the
 * lever that would. For the winner: the propensity below which the runner-up would have won.
 */
export function rankingHint(candidate: ArbitrationCandidate, first: ArbitrationCandidate, runnerUp: ArbitrationCandidate | null): AuditCounterfactual | null {
  const f = candidate.factors;
  const rest = f.value * f.contextWeight.value * f.lever.value;
  if (candidate === first) {
    if (runnerUp === null || rest === 0) return null;
    return hint(`propensity:${candidate.action.id}`, f.propensity.value, roundDown(runnerUp.priority / rest), `${runnerUp.action.id} ranked first`);
  }
  if (rest === 0) return null;
  // Strictly above the winner's priority: at equality the tie-break (action id) would decide.
  const needed = (first.priority / rest) * (1 + 1e-9);
  if (needed <= 1) return hint(`propensity:${candidate.action.id}`, f.propensity.value, roundUp(needed), `${candidate.action.id} ranked first`);
  if (f.propensity.value === 0) return null;
  return hint(`lever:${candidate.action.id}`, f.lever.value, roundUp(((f.lever.value * first.priority) / candidate.priority) * (1 + 1e-9)), `${candidate.action.id} ranked first`);
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

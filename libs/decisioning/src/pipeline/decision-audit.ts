import type { AuditActor, AuditRecordDraft } from '@kairos/audit';
import type { DecisionOutcome } from './decision-outcome';

/**
 * The `decision_served` audit record of a decision: inputs, logic with versions and seeds, consent in force,
 * the ranked and suppressed actions with factors, reason codes and counterfactual hints (C-203/22).
 */
export function decisionAuditDraft(outcome: DecisionOutcome, actor: AuditActor): AuditRecordDraft {
  const top = outcome.actions[0];
  return {
    kind: 'decision_served',
    actor,
    subject: outcome.customerId,
    decisionId: outcome.decisionId,
    inputs: outcome.inputs,
    logic: {
      rules: outcome.rules,
      models: outcome.models,
      ...(outcome.triggers.length > 0 ? { triggerId: outcome.triggers.join(',') } : {}),
      ...(top?.content.version ? { contentVersion: `${top.content.ref}@${top.content.version}` } : {}),
      seeds: outcome.seeds,
    },
    consent: outcome.consent,
    output: {
      catalogVersion: outcome.catalogVersion,
      stateOffset: outcome.stateOffset,
      channels: outcome.channels,
      placement: outcome.placement,
      actions: outcome.actions.map((a) => ({
        rank: a.rank,
        actionId: a.actionId,
        actionVersion: a.actionVersion,
        channel: a.channel,
        priority: a.priority,
        factors: a.factors,
        content: a.content,
        ...(a.deferredUntilMs === undefined ? {} : { deferredUntil: new Date(a.deferredUntilMs).toISOString() }),
      })),
      suppressed: outcome.suppressed.map((s) => ({ actionId: s.actionId, actionVersion: s.actionVersion, channel: s.channel, stage: s.stage, reasons: s.reasons })),
      bandit: outcome.bandit,
      holdouts: outcome.holdouts,
    },
    reasons: [
      ...outcome.actions.map((a) => `selected:${a.actionId}:${a.channel}`),
      ...outcome.actions.flatMap((a) => a.reasons.filter((r) => r.startsWith('deferred:')).map((r) => `${a.actionId}:${r}`)),
      ...new Set(outcome.suppressed.flatMap((s) => s.reasons.map((r) => `${s.actionId}:${r}`))),
    ],
    counterfactuals: outcome.counterfactuals,
    occurredAtMs: outcome.decidedAtMs,
  };
}

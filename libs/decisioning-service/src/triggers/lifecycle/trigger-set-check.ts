import { KairosError, type ValidationIssue } from '@kairos/contracts';
import type { ActionCatalog } from '@kairos/decisioning';
import type { FeatureRegistry } from '@kairos/profile';
import { compileTriggerSet, type TriggerSet } from '@kairos/triggers';

/** What a trigger document is checked against: the features it may read and the actions it may propose. */
export interface TriggerSetCheckContext {
  readonly registry: FeatureRegistry;
  /** The base action catalog (governance/actions.json): its actions, and the trigger ids they refer to. */
  readonly catalog: ActionCatalog;
}

/**
 * Compiles a trigger document the way the runtime will, then checks it against the action catalog both ways: each
 * proposed action exists, and each trigger an action refers to (applicability, context weights) is still in the
 * set. Every problem is reported at once as VALIDATION_FAILED, each path under `document.`.
 */
export function checkTriggerDocument(document: unknown, context: TriggerSetCheckContext): TriggerSet {
  let set: TriggerSet;
  try {
    set = compileTriggerSet(document, { registry: context.registry });
  } catch (error) {
    if (error instanceof KairosError && error.code === 'VALIDATION_FAILED') throw rejected(error.issues.map((issue) => ({ ...issue, path: issue.path ? `document.${issue.path}` : 'document' })));
    throw error;
  }
  const issues: ValidationIssue[] = [];
  set.triggers.forEach((trigger, i) => {
    trigger.definition.proposes.forEach((actionId, j) => {
      if (!context.catalog.actionsById.has(actionId)) issues.push({ path: `document.triggers[${i}].proposes[${j}]`, rule: 'unknown_action', message: `no action ${actionId} in the action catalog` });
    });
  });
  const ids = new Set(set.triggers.map((trigger) => trigger.id));
  for (const action of context.catalog.actions) {
    const referenced = [...(action.definition.applicability.triggers ?? []), ...action.contextWeights.flatMap((weight) => (weight.trigger ? [weight.trigger] : []))];
    for (const triggerId of new Set(referenced)) {
      if (!ids.has(triggerId)) issues.push({ path: 'document.triggers', rule: 'referenced_trigger', message: `action ${action.id} of the action catalog refers to trigger ${triggerId}; keep it in the set` });
    }
  }
  if (issues.length > 0) throw rejected(issues);
  return set;
}

function rejected(issues: readonly ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `the trigger set is invalid${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}

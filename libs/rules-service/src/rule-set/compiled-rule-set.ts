import { compileDmn, type CompiledDecisionModel, type ValidationFinding } from '@kairos/rules';

/** What evaluating one decision needs, worked out at deploy so the hot path only reads names and calls a closure. */
export interface DecisionPlan {
  readonly decision: string;
  /** Every name the decision reads (declared input data and undeclared names, through required decisions). */
  readonly names: readonly string[];
  /** The decision's own table (the one its outcome is explained by), or the decision id for other logic. */
  readonly tableId: string;
}

/** A rule-set version compiled once: the model, a plan per decision (by name and by id) and the findings. */
export interface CompiledRuleSet {
  readonly ruleSetId: string;
  readonly version: number;
  readonly model: CompiledDecisionModel;
  readonly plans: ReadonlyMap<string, DecisionPlan>;
  readonly findings: readonly ValidationFinding[];
  /** Union of the names all decisions read. */
  readonly inputNames: readonly string[];
}

// The compiler reports an undeclared name as UNKNOWN_NAME and reads it from the inputs as given (Camunda tables
// declare no input data); the name is the quoted start of the message.
const UNDECLARED = /^'([^']+)' is not declared/;

function undeclaredNamesByElement(findings: readonly ValidationFinding[]): Map<string, Set<string>> {
  const byElement = new Map<string, Set<string>>();
  for (const finding of findings) {
    const name = finding.code === 'UNKNOWN_NAME' ? UNDECLARED.exec(finding.message)?.[1] : undefined;
    if (name === undefined) continue;
    const names = byElement.get(finding.element) ?? new Set<string>();
    names.add(name);
    byElement.set(finding.element, names);
  }
  return byElement;
}

export async function compileRuleSet(ruleSetId: string, version: number, dmnXml: string): Promise<CompiledRuleSet> {
  const model = await compileDmn(dmnXml);
  const undeclared = undeclaredNamesByElement(model.findings);
  const decisionNames = new Set(model.decisions.map((d) => d.name));
  // Names read inside business knowledge models cannot be traced to a decision: every decision reads them.
  const shared = [...undeclared].filter(([element]) => !decisionNames.has(element)).flatMap(([, names]) => [...names]);
  const byName = new Map(model.decisions.map((d) => [d.name, d]));
  const readsOf = (name: string, seen: Set<string>): Set<string> => {
    const decision = byName.get(name);
    const names = new Set<string>([...(decision?.inputs ?? []), ...(undeclared.get(name) ?? []), ...shared]);
    if (!decision || seen.has(name)) return names;
    seen.add(name);
    for (const required of decision.requiredDecisions) for (const inner of readsOf(required, seen)) names.add(inner);
    return names;
  };
  const plans = new Map<string, DecisionPlan>();
  for (const decision of model.decisions) {
    const table = model.tables.find((t) => t.decision === decision.name);
    const plan: DecisionPlan = { decision: decision.name, names: [...readsOf(decision.name, new Set())].sort(), tableId: table?.id ?? decision.id };
    plans.set(decision.name, plan);
    plans.set(decision.id, plan);
  }
  const inputNames = [...new Set([...plans.values()].flatMap((plan) => plan.names))].sort();
  return { ruleSetId, version, model, plans, findings: model.findings, inputNames };
}

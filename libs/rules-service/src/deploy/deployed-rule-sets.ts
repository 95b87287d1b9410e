import type { RuleOutcome, RulePort } from '@kairos/decisioning';
import type { CompiledRuleSet } from '../rule-set/compiled-rule-set';

/** Evaluates one decision of a compiled rule set, reading exactly the names its plan lists; null: no such decision. */
export function evaluateCompiled(compiled: CompiledRuleSet, decision: string, read: (name: string) => unknown): RuleOutcome | null {
  const plan = compiled.plans.get(decision);
  if (!plan) return null;
  const inputs: Record<string, unknown> = {};
  for (const name of plan.names) inputs[name] = read(name);
  const result = compiled.model.evaluate(plan.decision, inputs);
  const ruleIds: string[] = [];
  for (const hit of result.matchedRules) if (hit.tableId === plan.tableId) ruleIds.push(hit.ruleId);
  return { value: result.value, version: String(compiled.version), tableId: plan.tableId, ruleIds };
}

/**
 * The rule sets deployed in this process, compiled, behind the decision core's RulePort. The whole map is
 * replaced on every change (copy on write): an evaluation in flight keeps the snapshot it started with and a
 * deployment never pauses the event loop, so nothing waits or is lost while rule sets change.
 */
export class DeployedRuleSets implements RulePort {
  private current: ReadonlyMap<string, CompiledRuleSet> = new Map();
  /** Deployment counter of the state held; an older state read by a slow poll never overwrites a newer one. */
  private counter = -1;

  evaluate(ruleSet: string, decision: string, read: (name: string) => unknown): RuleOutcome | null {
    const compiled = this.current.get(ruleSet);
    return compiled ? evaluateCompiled(compiled, decision, read) : null;
  }

  /** The deployed version of a rule set, or undefined. */
  get(ruleSetId: string): CompiledRuleSet | undefined {
    return this.current.get(ruleSetId);
  }

  versions(): ReadonlyMap<string, number> {
    return new Map([...this.current].map(([id, set]) => [id, set.version]));
  }

  get size(): number {
    return this.current.size;
  }

  get deploymentCounter(): number {
    return this.counter;
  }

  /** A deployment made by this process: takes effect at once, before any poll. */
  install(ruleSet: CompiledRuleSet, counter: number | null): void {
    const next = new Map(this.current);
    next.set(ruleSet.ruleSetId, ruleSet);
    this.swap(next, counter);
  }

  remove(ruleSetId: string, counter: number | null): void {
    const next = new Map(this.current);
    next.delete(ruleSetId);
    this.swap(next, counter);
  }

  /** The full deployed state as read from the database at `counter`; ignored when already newer. */
  replaceAll(ruleSets: readonly CompiledRuleSet[], counter: number): boolean {
    if (counter < this.counter) return false;
    this.swap(new Map(ruleSets.map((set) => [set.ruleSetId, set])), counter);
    return true;
  }

  private swap(next: ReadonlyMap<string, CompiledRuleSet>, counter: number | null): void {
    this.current = next;
    if (counter !== null && counter > this.counter) this.counter = counter;
  }
}

import type { ValidationFinding } from '../analysis/validation-finding';
import type { RuleHit } from '../decision-table/decision-table-compiler';
import type { DmnAggregation, DmnHitPolicy } from '../dmn/dmn-elements';
import type { EvaluationWarning } from '../feel/feel-frame';

/** The outcome of one decision, with what an explanation or audit record needs. */
export interface DecisionResult {
  readonly decision: string;
  /** FEEL value: number, string, boolean, null, array (list), plain object (context), FeelDate, FeelDateTime. */
  readonly value: unknown;
  /** Rules that fired in every decision table evaluated on the way, in evaluation order. */
  readonly matchedRules: readonly RuleHit[];
  readonly warnings: readonly EvaluationWarning[];
}

export type DecisionLogicKind = 'decisionTable' | 'literalExpression' | 'invocation' | 'context' | 'list' | 'none';

export interface DecisionSummary {
  readonly id: string;
  readonly name: string;
  readonly logic: DecisionLogicKind;
  readonly typeRef: string | null;
  /** Input data this decision reads, directly or through the decisions it requires. */
  readonly inputs: readonly string[];
  readonly requiredDecisions: readonly string[];
}

export interface InputDataSummary {
  readonly id: string;
  readonly name: string;
  readonly typeRef: string | null;
}

export interface DecisionTableSummary {
  readonly id: string;
  readonly decision: string;
  readonly hitPolicy: DmnHitPolicy;
  readonly aggregation: DmnAggregation | null;
  readonly ruleIds: readonly string[];
}

/**
 * A DMN model compiled at deploy: every expression is a closure, every name a slot. Evaluation is synchronous,
 * does no parsing and keeps no state between calls, so one instance serves all requests.
 */
export interface CompiledDecisionModel {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** The DMN namespace of the source XML (1.1–1.5); export always writes DMN 1.3. */
  readonly sourceNamespace: string;
  readonly decisions: readonly DecisionSummary[];
  readonly inputData: readonly InputDataSummary[];
  readonly tables: readonly DecisionTableSummary[];
  /** Deploy-time validation: type errors, overlaps, unreachable rules, gaps. */
  readonly findings: readonly ValidationFinding[];
  /**
   * Evaluates a decision (by name or id) and the decisions it requires. Inputs are read by input data name;
   * a value that does not conform to its declared type is evaluated as null and reported in `warnings`.
   */
  evaluate(decision: string, inputs: Readonly<Record<string, unknown>>): DecisionResult;
  /**
   * Evaluates one decision table (by table id, or by the name or id of its decision) on its own: required
   * decisions are not evaluated but read from `inputs` by name, which is how a modeler tests a single table.
   */
  evaluateTable(table: string, inputs: Readonly<Record<string, unknown>>): DecisionResult;
}

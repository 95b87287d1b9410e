// The public face of @kairos/rules: DMN decision models compiled at deploy into closures, FEEL expressions for
// other rule-like uses, deploy-time validation findings, DMN export, and the DMN TCK harness used by CI.
export type {
  CompiledDecisionModel,
  DecisionLogicKind,
  DecisionResult,
  DecisionSummary,
  DecisionTableSummary,
  InputDataSummary,
} from './model/decision-model';
export { compileDmn } from './model/decision-model-compiler';
export { exportDmn } from './model/dmn-export';
export type { RuleHit } from './decision-table/decision-table-compiler';
export type { DmnAggregation, DmnHitPolicy } from './dmn/dmn-elements';
export type { EvaluationWarning, EvaluationWarningCode } from './feel/feel-frame';
export type { FindingCode, FindingSeverity, ValidationFinding } from './analysis/validation-finding';
export { hasErrors } from './analysis/validation-finding';
export type { CompiledFeelExpression, CompiledFeelUnaryTests } from './feel/feel-expression';
export { compileFeelExpression, compileFeelUnaryTests } from './feel/feel-expression';
export { FeelDate, FeelDateTime, FeelRange, FeelFunction } from './feel/feel-values';
export type { TckReport, TckResult } from './conformance/tck-runner';
export { formatTckResult, formatTckTotal, resolveTckDirectory, runTck } from './conformance/tck-runner';

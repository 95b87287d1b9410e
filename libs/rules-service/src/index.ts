// The public face of @kairos/rules-service. Rule sets wired to the runtime: DMN rule-set lifecycle (draft, review, deploy, retire, rollback), hot deploy, simulation.
export * from './rules.module';
export * from './rules-options';
export { DeployedRuleSets, evaluateCompiled } from './deploy/deployed-rule-sets';
export { DeploymentPoller } from './deploy/deployment-poller';
export type { CompiledRuleSet, DecisionPlan } from './rule-set/compiled-rule-set';
export { compileRuleSet } from './rule-set/compiled-rule-set';
export type { RuleInputCatalog, RuleInputKind } from './rule-set/rule-input-catalog';
export { ruleInputCatalog } from './rule-set/rule-input-catalog';
export type { RuleSetTestCase, TestCaseResult } from './rule-set/rule-set-test-cases';
export type { RuleSetFinding, RuleSetValidation } from './rule-set/rule-set-validation';
export { validateRuleSet } from './rule-set/rule-set-validation';
export { RULE_SET_STATUSES, type RuleSetStatus, type RuleSetTransition } from './rule-set/rule-set-status';
export { RuleSetLifecycleService, type CreateRuleSetCommand, type EditRuleSetCommand, type TransitionCommand } from './lifecycle/rule-set-lifecycle.service';
export type { RuleSetSummary, RuleSetView } from './lifecycle/rule-set-view';
export { RuleSetTestsFailedError } from './lifecycle/rule-set-errors';
export { RuleSetSimulationService, type RuleSetSimulationAnswer } from './simulation/rule-set-simulation.service';
export type { SimulationSources } from './simulation/simulation-sources';
export { simulateRuleSetRequestSchema, type SimulateRuleSetRequest } from './http/rule-set-requests';
export { RuleSetSimulator, type SimulationEvaluator, type SimulationLimits, type SimulationPlan, type SimulationReport, type SimulationSource } from './simulation/rule-set-simulator';
// Modelers' files as Camunda saves them, for tests that such files deploy unchanged (fixtures, not runtime code).
export { adultCheckingTable, camundaDecisionTable, type CamundaTableOptions, type TableRow } from './testing/camunda-dmn';

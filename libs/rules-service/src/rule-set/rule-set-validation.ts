import type { ValidationIssue } from '@kairos/contracts';
import type { ValidationFinding } from '@kairos/rules';
import type { CompiledRuleSet } from './compiled-rule-set';
import type { RuleInputCatalog } from './rule-input-catalog';
import { typeRefMismatch } from './rule-input-catalog';
import { runTestCases, type RuleSetTestCase, type TestCaseResult } from './rule-set-test-cases';

/** A finding as the API shows it: findings of the DMN engine plus the input checks against the feature registry. */
export type RuleSetFinding = Pick<ValidationFinding, 'severity' | 'code' | 'tableId' | 'element' | 'ruleIds' | 'message'> | InputFinding;

interface InputFinding {
  readonly severity: 'error';
  readonly code: 'UNKNOWN_INPUT' | 'INPUT_TYPE';
  readonly tableId: string;
  readonly element: string;
  readonly ruleIds: readonly string[];
  readonly message: string;
}

export interface RuleSetValidation {
  readonly findings: readonly RuleSetFinding[];
  readonly errors: number;
  readonly warnings: number;
  readonly testResults: readonly TestCaseResult[];
}

// Undeclared names are checked below against the registry; the engine's warning about them would only repeat it.
const isUndeclaredNotice = (finding: ValidationFinding) => finding.code === 'UNKNOWN_NAME' && finding.severity === 'warning';

/** Every name the rule set reads must be a feature or a decision variable, of a type its declaration admits. */
function inputFindings(ruleSet: CompiledRuleSet, catalog: RuleInputCatalog): InputFinding[] {
  const declared = new Map(ruleSet.model.inputData.map((input) => [input.name, input]));
  const out: InputFinding[] = [];
  for (const name of ruleSet.inputNames) {
    const input = declared.get(name);
    const at = { tableId: input?.id ?? ruleSet.ruleSetId, element: name, ruleIds: [] };
    const kind = catalog.kindOf(name);
    if (kind === undefined) {
      out.push({ ...at, severity: 'error', code: 'UNKNOWN_INPUT', message: `input '${name}' is neither a feature of the registry nor a decision variable` });
      continue;
    }
    const mismatch = input ? typeRefMismatch(input.typeRef, kind) : null;
    if (mismatch) out.push({ ...at, severity: 'error', code: 'INPUT_TYPE', message: `input '${name}' ${mismatch}` });
  }
  return out;
}

export function validateRuleSet(ruleSet: CompiledRuleSet, catalog: RuleInputCatalog, testCases: readonly RuleSetTestCase[]): RuleSetValidation {
  const findings: RuleSetFinding[] = [...ruleSet.findings.filter((f) => !isUndeclaredNotice(f)), ...inputFindings(ruleSet, catalog)];
  return {
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    testResults: runTestCases(ruleSet.model, testCases),
  };
}

/** Blocking findings as a 400's issues: unknown inputs first (they name the input), then the engine's errors. */
export function blockingIssues(validation: RuleSetValidation): ValidationIssue[] {
  return validation.findings
    .filter((f) => f.severity === 'error')
    .sort((a, b) => Number(b.code === 'UNKNOWN_INPUT') - Number(a.code === 'UNKNOWN_INPUT'))
    .slice(0, 50)
    .map((f) => ({ path: f.code === 'UNKNOWN_INPUT' || f.code === 'INPUT_TYPE' ? `inputs.${f.element}` : `dmnXml.${f.tableId}`, rule: f.code.toLowerCase(), message: f.message }));
}

export function failedTestIssues(validation: RuleSetValidation): ValidationIssue[] {
  return validation.testResults.filter((r) => !r.passed).map((r) => ({ path: `testCases.${r.name}`, rule: 'test_case_failed', message: `test case '${r.name}' failed: ${r.message ?? ''}` }));
}

/**
 * What deploy-time validation reports. Errors should block a deployment (the model would compute wrong or
 * null answers), warnings deserve a look (gaps, undeclared inputs), infos are for the record.
 */
export type FindingSeverity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'SYNTAX_ERROR'
  | 'UNKNOWN_NAME'
  | 'UNKNOWN_FUNCTION'
  | 'NOT_A_FUNCTION'
  | 'UNKNOWN_TYPE'
  | 'TYPE_MISMATCH'
  | 'NOT_ALLOWED_VALUE'
  | 'OVERLAP'
  | 'CONFLICTING_OUTPUTS'
  | 'UNREACHABLE_RULE'
  | 'GAP'
  | 'ANALYSIS_SKIPPED'
  | 'UNSUPPORTED'
  | 'MISSING_LOGIC'
  | 'DUPLICATE_NAME'
  | 'DEPENDENCY_CYCLE'
  | 'PARSER_WARNING';

export interface ValidationFinding {
  readonly severity: FindingSeverity;
  readonly code: FindingCode;
  /** The decision table the finding is about, or the id of the element for findings outside tables. */
  readonly tableId: string;
  /** Name of the decision, business knowledge model, input data or item definition concerned. */
  readonly element: string;
  readonly ruleIds: readonly string[];
  readonly message: string;
}

/** Where a problem sits; filled in once per element so checks only add the message. */
export interface FindingLocation {
  readonly tableId: string;
  readonly element: string;
  readonly ruleIds?: readonly string[];
}

export class FindingCollector {
  private readonly list: ValidationFinding[] = [];

  report(severity: FindingSeverity, code: FindingCode, at: FindingLocation, message: string, ruleIds?: readonly string[]): void {
    this.list.push({ severity, code, tableId: at.tableId, element: at.element, ruleIds: ruleIds ?? at.ruleIds ?? [], message });
  }

  get findings(): readonly ValidationFinding[] {
    return this.list;
  }
}

export function hasErrors(findings: readonly ValidationFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

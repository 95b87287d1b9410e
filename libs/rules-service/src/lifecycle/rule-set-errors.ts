import { KairosError, type ValidationIssue } from '@kairos/contracts';

/**
 * Deploy refused because attached test cases fail: the rule set is valid but does not do what its author said,
 * so 422. The contracts have no 422 code for this yet; the status is set here and the issues name each case.
 */
export class RuleSetTestsFailedError extends KairosError {
  constructor(issues: readonly ValidationIssue[]) {
    super('VALIDATION_FAILED', `${issues.length} test case(s) failed; the rule set was not deployed`, issues);
    this.name = 'RuleSetTestsFailedError';
  }

  override get status(): number {
    return 422;
  }
}

export const notFound = (what: string) => new KairosError('NOT_FOUND', `no such ${what}`, [{ path: 'id', rule: 'not_found', message: `no ${what} with this id` }]);

import type { z } from 'zod';

/** One reason a piece of input was refused: where (a JSON path such as `events[3].data.amount`), which rule, and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Turns zod issues into ours. Messages come from our schemas or zod's built-ins, which never echo the
 * offending value, so no personal data leaks into an error body.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ValidationIssue[] {
  return issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    rule: issue.code === 'custom' ? 'custom' : issue.code,
    message: describeIssue(issue),
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.map(describeFieldName).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * Field names are caller input too. Only names shaped like identifiers are echoed, so a "field name" that carries
 * personal data (or markup) never comes back in an error body or a log line.
 */
function describeFieldName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(name) ? name : '(a field whose name is not an identifier)';
}

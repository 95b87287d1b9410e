import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KairosError, fromZodIssues, type ValidationIssue } from '@kairos/contracts';
import { ROLES } from '../principal/access-vocabulary';
import { inspectJsonShape } from './json-shape-guard';
import { PLACEHOLDERS, policyDocumentSchema, type PolicyDocument, type PolicyRule } from './policy-document.schema';

/** Where the policy lives when the caller does not say: `governance/policies/roles.json` under the working directory. */
export const DEFAULT_POLICY_FILE = 'governance/policies/roles.json';

declare const validated: unique symbol;
/** A policy that passed {@link loadPolicyDocument}; the ability factory accepts nothing else. */
export type ValidatedPolicy = PolicyDocument & { readonly [validated]: true };

/**
 * Validates a policy document in two stages, both before CASL sees anything: a read-only shape check (plain JSON,
 * no `__proto__`/`constructor`/`prototype` keys at any depth, bounded size), then the zod schema (known roles,
 * actions, subjects, operators, placeholders; strict objects). The result is deep-frozen.
 */
export function loadPolicyDocument(raw: unknown): ValidatedPolicy {
  const shapeIssues = inspectJsonShape(raw);
  if (shapeIssues.length > 0) throw policyError(shapeIssues);

  const parsed = policyDocumentSchema.safeParse(raw);
  if (!parsed.success) throw policyError(fromZodIssues(parsed.error.issues));

  const placementIssues = checkPlaceholderPlacement(parsed.data);
  if (placementIssues.length > 0) throw policyError(placementIssues);

  return deepFreeze(parsed.data) as ValidatedPolicy;
}

/** Reads and validates a policy file (JSON). JSON.parse keeps `"__proto__"` as an own key, which the loader then rejects. */
export function loadPolicyFile(path: string = DEFAULT_POLICY_FILE): ValidatedPolicy {
  const absolute = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new KairosError('VALIDATION_FAILED', `policy file ${absolute} is not readable JSON: ${(error as Error).message}`, [
      { path: '(root)', rule: 'invalid_json', message: 'not readable JSON' },
    ]);
  }
  return loadPolicyDocument(raw);
}

/** `${principal.channel}` only makes sense for the one role whose principals always carry a channel. */
function checkPlaceholderPlacement(document: PolicyDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const role of ROLES) {
    document.roles[role].forEach((rule, index) => {
      if (role !== 'channel' && usesPlaceholder(rule, 'channel')) {
        issues.push({
          path: `roles.${role}[${index}].conditions`,
          rule: 'placeholder_not_available',
          message: 'only channel principals carry a channel: ${principal.channel} is allowed in the channel role only',
        });
      }
    });
  }
  return issues;
}

export function usesPlaceholder(rule: PolicyRule, attribute: (typeof PLACEHOLDERS)[keyof typeof PLACEHOLDERS]): boolean {
  if (rule.conditions === undefined) return false;
  const needle = attribute === 'id' ? '${principal.id}' : '${principal.channel}';
  return JSON.stringify(rule.conditions).includes(needle);
}

function policyError(issues: ValidationIssue[]): KairosError {
  const first = issues[0];
  const summary = first === undefined ? '' : `: ${first.path}: ${first.message}`;
  return new KairosError('VALIDATION_FAILED', `policy document rejected${summary}`, issues);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

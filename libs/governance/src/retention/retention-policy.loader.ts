import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KairosError, ValidationIssue, fromZodIssues } from '@kairos/contracts';
import { DAY_MS, RetentionCategory, RetentionPolicy, retentionPolicySchema } from './retention-policy.schema';

/** Where the policy lives when the caller does not say: `governance/retention.json` under the working directory. */
export const DEFAULT_RETENTION_FILE = 'governance/retention.json';

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A validated, frozen retention policy and the digest the retention job writes into its audit records. */
export interface LoadedRetentionPolicy {
  readonly policy: RetentionPolicy;
  /** sha256 of the validated document, so an audit record names exactly which policy was enforced. */
  readonly digest: string;
  retentionMs(category: RetentionCategory): number;
}

/**
 * Validates a retention document: first that no `__proto__`/`constructor`/`prototype` key appears at any depth
 * (JSON.parse keeps `"__proto__"` as an own key), then the zod schema (every category present, none unknown, whole
 * days, audit at least six months, the event index at least as long as raw events).
 */
export function loadRetentionPolicy(raw: unknown): LoadedRetentionPolicy {
  const forbidden = prototypeKeyPaths(raw);
  if (forbidden.length > 0) {
    throw policyError(forbidden.map((path) => ({ path, rule: 'forbidden_key', message: 'prototype keys are not allowed in a policy' })));
  }
  const parsed = retentionPolicySchema.safeParse(raw);
  if (!parsed.success) throw policyError(fromZodIssues(parsed.error.issues));
  const policy = deepFreeze(parsed.data);
  const digest = createHash('sha256').update(JSON.stringify(policy)).digest('hex');
  return { policy, digest, retentionMs: (category) => policy.categories[category].days * DAY_MS };
}

export function loadRetentionPolicyFile(path: string = DEFAULT_RETENTION_FILE): LoadedRetentionPolicy {
  const absolute = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new KairosError('VALIDATION_FAILED', `retention policy ${absolute} is not readable JSON: ${(error as Error).message}`, [
      { path: '(root)', rule: 'invalid_json', message: 'not readable JSON' },
    ]);
  }
  return loadRetentionPolicy(raw);
}

function prototypeKeyPaths(value: unknown, path = '', depth = 0): string[] {
  if (value === null || typeof value !== 'object' || depth > 32) return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (PROTOTYPE_KEYS.has(key)) found.push(childPath);
    else found.push(...prototypeKeyPaths((value as Record<string, unknown>)[key], childPath, depth + 1));
  }
  return found;
}

function policyError(issues: ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `retention policy rejected${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

import type { ValidationIssue } from '@kairos/contracts';

/** Keys that reach an object's prototype when code later merges or indexes the parsed document. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 12;

/**
 * Finds prototype keys at any depth before the schema runs: zod copies record keys onto a fresh object, and a
 * `__proto__` key assigned there would change the copy's prototype instead of adding data. Only reads the value.
 */
export function forbiddenKeyIssues(value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (depth > MAX_DEPTH) {
      issues.push({ path, rule: 'too_deep', message: `nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    for (const key of Object.keys(node)) {
      const child = Array.isArray(node) ? `${path}[${key}]` : path === '(root)' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) issues.push({ path, rule: 'forbidden_key', message: `the key ${key} is not allowed` });
      else visit((node as Record<string, unknown>)[key], child, depth + 1);
    }
  };
  visit(value, '(root)', 0);
  return issues;
}

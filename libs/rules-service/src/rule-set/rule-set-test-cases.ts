import { z } from 'zod';
import type { CompiledDecisionModel } from '@kairos/rules';

const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string().max(2_000), z.number(), z.boolean(), z.null(), z.array(jsonValue).max(200), z.record(z.string().max(200), jsonValue)]));

/** A modeler's example: these inputs must give `expected` for `decision`. Inputs are read by name, as in production. */
export const ruleSetTestCaseSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  decision: z.string().min(1).max(200),
  inputs: z.record(z.string().min(1).max(200), jsonValue),
  expected: jsonValue,
});
export type RuleSetTestCase = z.infer<typeof ruleSetTestCaseSchema>;
export const ruleSetTestCasesSchema = z
  .array(ruleSetTestCaseSchema)
  .max(500)
  .refine((cases) => new Set(cases.map((c) => c.name)).size === cases.length, { message: 'test case names must be unique' });

export interface TestCaseResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why it failed (expected and actual are authored example values, never customer data). */
  readonly message: string | null;
}

const NUMBER_TOLERANCE = 1e-9;

/** FEEL values as JSON: dates and date-times by their ISO text, contexts and lists recursively. */
export function jsonOf(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(jsonOf);
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return String(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonOf(inner)]));
  }
  return value;
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return Math.abs(expected - actual) <= NUMBER_TOLERANCE * Math.max(1, Math.abs(expected));
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => sameValue(item, actual[i]));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return keys.length === Object.keys(actual).length && keys.every((key) => sameValue((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]));
  }
  return expected === actual;
}

/** Runs every case against the compiled model; a case whose decision cannot be evaluated fails with the reason. */
export function runTestCases(model: CompiledDecisionModel, cases: readonly RuleSetTestCase[]): TestCaseResult[] {
  return cases.map((testCase) => {
    try {
      const actual = jsonOf(model.evaluate(testCase.decision, testCase.inputs).value);
      const passed = sameValue(testCase.expected, actual);
      return { name: testCase.name, passed, message: passed ? null : `expected ${JSON.stringify(testCase.expected)}, got ${JSON.stringify(actual)}` };
    } catch (error) {
      return { name: testCase.name, passed: false, message: error instanceof Error ? error.message : 'could not be evaluated' };
    }
  });
}

import { KairosError, ValidationIssue } from '@kairos/contracts';
import { compileFeelExpression } from '@kairos/rules';

/**
 * A FEEL boolean expression over named values (features, scores, request context), compiled once at deploy.
 * `names` lists the plain names it reads, so the caller fetches only those features and the audit record shows
 * exactly the values the logic saw.
 */
export interface ConditionExpression {
  readonly source: string;
  readonly names: readonly string[];
  /** True only when the expression yields `true`; null (unknown input) counts as false. */
  holds(variables: Readonly<Record<string, unknown>>): boolean;
}

/** Built-in function names with keywords inside them. */
const KEYWORD_FUNCTIONS = ['date and time', 'years and months duration'];

const FEEL_WORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every', 'satisfies', 'between', 'instance', 'of', 'function', 'item']);

/** Compiles `source`; a FEEL syntax error becomes a VALIDATION_FAILED issue at `path`. */
export function compileCondition(source: string, path: string): ConditionExpression | ValidationIssue {
  try {
    const expression = compileFeelExpression(source);
    return { source, names: referencedNames(source), holds: (variables) => expression.evaluate(variables) === true };
  } catch (error) {
    if (!(error instanceof KairosError)) throw error;
    return { path, rule: 'feel', message: error.issues[0]?.message ?? error.message };
  }
}

export function isConditionExpression(value: ConditionExpression | ValidationIssue): value is ConditionExpression {
  return (value as ConditionExpression).holds !== undefined;
}

/**
 * Plain names an expression reads: identifiers outside string literals that are not FEEL keywords, not a path
 * step (`.x`) and not a function call (`abs(`). Over-approximating is harmless (one extra lookup).
 */
export function referencedNames(source: string): string[] {
  const names: string[] = [];
  const pattern = /"(?:[^"\\]|\\.)*"|([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    const name = match[1];
    if (name === undefined || FEEL_WORDS.has(name) || names.includes(name)) continue;
    const before = source.slice(0, match.index).trimEnd();
    const rest = source.slice(match.index + name.length);
    if (before.endsWith('.') || rest.trimStart().startsWith('(') || startsFunctionName(name, rest, source.slice(match.index))) continue;
    names.push(name);
  }
  return names;
}

/** `list contains(`, `string length(`, `date and time(`: the first word of a multi-word function name. */
function startsFunctionName(name: string, rest: string, fromName: string): boolean {
  if (KEYWORD_FUNCTIONS.some((fn) => fromName.startsWith(fn) && /^\s*\(/.test(fromName.slice(fn.length)))) return true;
  const words = /^((?:\s+[A-Za-z_][A-Za-z0-9_]*)+)\s*\(/.exec(rest);
  return words !== null && !words[1].trim().split(/\s+/).some((word) => FEEL_WORDS.has(word)) && !FEEL_WORDS.has(name);
}

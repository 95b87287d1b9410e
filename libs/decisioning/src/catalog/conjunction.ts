/** Top-level words after which an `and` is not a conjunction of the whole (`a and b or c`, `x between 1 and 2`). */
const UNSPLITTABLE = ['or', 'if', 'then', 'else', 'some', 'every', 'for', 'satisfies', 'between'];

/**
 * Splits a FEEL expression at its top-level `and`s (outside parentheses, brackets, braces and strings), so each
 * clause can be checked on its own and a failed eligibility names the clause that failed, not just "false".
 * Expressions whose top level holds `or`, `between`, `if` or a quantifier are kept whole.
 */
export function splitConjunction(source: string): string[] {
  const cuts: number[] = [];
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && /[a-z]/.test(c) && !isWordChar(source[i - 1])) {
      const word = /^[a-z]+/.exec(source.slice(i))?.[0] ?? '';
      if (isWordChar(source[i + word.length])) continue;
      if (UNSPLITTABLE.includes(word)) return [source.trim()];
      if (word === 'and') cuts.push(i);
      i += word.length - 1;
    }
  }
  const clauses: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    clauses.push(source.slice(start, cut).trim());
    start = cut + 3;
  }
  clauses.push(source.slice(start).trim());
  return clauses.some((clause) => clause === '') ? [source.trim()] : clauses;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

import type { UnaryTest } from './feel-frame';
import { COMPARATORS, valueMatches } from './feel-operations';

/** `< 18`, `>= "B"`, `= 5` against a constant: one typeof check and one comparison. */
export function constantComparisonTest(op: string, c: unknown): UnaryTest {
  if (typeof c === 'number') {
    switch (op) {
      case '<':
        return (v) => (typeof v === 'number' ? v < c : null);
      case '<=':
        return (v) => (typeof v === 'number' ? v <= c : null);
      case '>':
        return (v) => (typeof v === 'number' ? v > c : null);
      case '>=':
        return (v) => (typeof v === 'number' ? v >= c : null);
      default:
        break;
    }
  }
  const compare = COMPARATORS[op];
  return (v) => compare(v, c);
}

/** An input entry that is a constant: equality, or membership when it is a list or range. */
export function constantValueTest(c: unknown): UnaryTest {
  switch (typeof c) {
    case 'number':
    case 'string':
    case 'boolean': {
      const type = typeof c;
      return (v) => (typeof v === type ? v === c : v === null || v === undefined ? false : null);
    }
    default:
      break;
  }
  if (c === null) return (v) => v === null || v === undefined;
  return (v) => valueMatches(v, c);
}

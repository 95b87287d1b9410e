/**
 * Static FEEL types, inferred at deploy to find type errors before a table goes live. `any` means "not known
 * statically" and is compatible with everything.
 */
export type FeelType =
  | { readonly kind: 'any' }
  | { readonly kind: 'null' }
  | { readonly kind: 'primitive'; readonly name: PrimitiveTypeName }
  | { readonly kind: 'list'; readonly element: FeelType }
  | { readonly kind: 'context'; readonly entries: ReadonlyMap<string, FeelType> | null }
  | { readonly kind: 'range'; readonly element: FeelType }
  | { readonly kind: 'function'; readonly result: FeelType };

export type PrimitiveTypeName = 'number' | 'string' | 'boolean' | 'date' | 'date and time' | 'time' | 'duration';

export const ANY_TYPE: FeelType = { kind: 'any' };
export const NULL_TYPE: FeelType = { kind: 'null' };
export const NUMBER_TYPE: FeelType = { kind: 'primitive', name: 'number' };
export const STRING_TYPE: FeelType = { kind: 'primitive', name: 'string' };
export const BOOLEAN_TYPE: FeelType = { kind: 'primitive', name: 'boolean' };
export const DATE_TYPE: FeelType = { kind: 'primitive', name: 'date' };
export const DATE_TIME_TYPE: FeelType = { kind: 'primitive', name: 'date and time' };
export const ANY_LIST_TYPE: FeelType = { kind: 'list', element: ANY_TYPE };
export const ANY_CONTEXT_TYPE: FeelType = { kind: 'context', entries: null };

export function functionType(result: FeelType): FeelType {
  return { kind: 'function', result };
}

export function listOf(element: FeelType): FeelType {
  return { kind: 'list', element };
}

/** Whether a value of type `actual` may be used where `expected` is declared. */
export function isCompatible(actual: FeelType, expected: FeelType): boolean {
  if (actual.kind === 'any' || expected.kind === 'any' || actual.kind === 'null') return true;
  // ...and a singleton list to its element where a single value is expected.
  if (actual.kind === 'list' && expected.kind !== 'list') return isCompatible(actual.element, expected);
  switch (expected.kind) {
    case 'null':
      return false;
    case 'primitive':
      return actual.kind === 'primitive' && actual.name === expected.name;
    case 'list':
      // FEEL converts a single value to a singleton list where a list is expected.
      return actual.kind === 'list' ? isCompatible(actual.element, expected.element) : isCompatible(actual, expected.element);
    case 'context':
      if (actual.kind !== 'context') return false;
      if (expected.entries === null || actual.entries === null) return true;
      for (const [key, type] of actual.entries) {
        const declared = expected.entries.get(key);
        if (declared && !isCompatible(type, declared)) return false;
      }
      return true;
    case 'range':
      return actual.kind === 'range';
    case 'function':
      return actual.kind === 'function';
  }
}

/** Types whose values can be ordered with `<`; the others only compare with `=`. */
export function isOrderable(type: FeelType): boolean {
  return type.kind === 'any' || (type.kind === 'primitive' && type.name !== 'boolean');
}

export function describeType(type: FeelType): string {
  switch (type.kind) {
    case 'any':
      return 'Any';
    case 'null':
      return 'null';
    case 'primitive':
      return type.name;
    case 'list':
      return `list<${describeType(type.element)}>`;
    case 'context':
      return type.entries === null ? 'context' : `context<${[...type.entries.keys()].join(', ')}>`;
    case 'range':
      return `range<${describeType(type.element)}>`;
    case 'function':
      return 'function';
  }
}

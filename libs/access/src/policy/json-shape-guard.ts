import type { ValidationIssue } from '@kairos/contracts';

/** Keys that reach an object's prototype when a naive merge or path-setter walks them. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonShapeLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxStringLength: number;
  readonly maxArrayLength: number;
}

const DEFAULT_LIMITS: JsonShapeLimits = { maxDepth: 16, maxNodes: 50_000, maxStringLength: 1_000, maxArrayLength: 1_000 };

/**
 * Proves a value is inert JSON data before any library sees it: plain objects and arrays only (no class instances,
 * no altered prototypes, no getters, no symbols), no prototype keys at any depth, bounded size. Only reads, never
 * assigns, so walking a hostile value cannot change Object.prototype. Returns every problem found, at most 20.
 */
export function inspectJsonShape(value: unknown, limits: JsonShapeLimits = DEFAULT_LIMITS): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let nodes = 0;

  const report = (path: string, rule: string, message: string): void => {
    if (issues.length < 20) issues.push({ path: path === '' ? '(root)' : path, rule, message });
  };

  const walk = (node: unknown, path: string, depth: number): void => {
    if (issues.length >= 20) return;
    if (++nodes > limits.maxNodes) {
      if (nodes === limits.maxNodes + 1) report(path, 'too_large', `more than ${limits.maxNodes} values`);
      return;
    }
    switch (typeof node) {
      case 'string':
        if (node.length > limits.maxStringLength) report(path, 'too_big', `string longer than ${limits.maxStringLength}`);
        return;
      case 'number':
        if (!Number.isFinite(node)) report(path, 'invalid_type', 'expected a finite number');
        return;
      case 'boolean':
        return;
      case 'object':
        break;
      default:
        report(path, 'invalid_type', `a ${typeof node} is not JSON data`);
        return;
    }
    if (node === null) return;
    if (depth >= limits.maxDepth) {
      report(path, 'too_deep', `nested deeper than ${limits.maxDepth}`);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(node);
    const isArray = Array.isArray(node);
    if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) {
      report(path, 'not_plain_json', 'expected a plain JSON object or array');
      return;
    }
    const keys = Reflect.ownKeys(node);
    if (isArray && (node as unknown[]).length > limits.maxArrayLength) {
      report(path, 'too_big', `array longer than ${limits.maxArrayLength}`);
      return;
    }
    for (const key of keys) {
      if (typeof key === 'symbol') {
        report(path, 'symbol_key', 'symbol keys are not JSON data');
        continue;
      }
      if (isArray && key === 'length') continue;
      const childPath = isArray ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (PROTOTYPE_KEYS.has(key)) {
        report(childPath, 'forbidden_key', `the key "${key}" is not allowed anywhere in a policy`);
        continue;
      }
      const descriptor = Object.getOwnPropertyDescriptor(node, key);
      if (descriptor === undefined || !('value' in descriptor)) {
        report(childPath, 'accessor_property', 'accessor properties are not JSON data');
        continue;
      }
      walk(descriptor.value, childPath, depth + 1);
    }
    if (isArray && keys.length - 1 !== (node as unknown[]).length) report(path, 'sparse_array', 'arrays must not have holes or extra keys');
  };

  walk(value, '', 0);
  return issues;
}

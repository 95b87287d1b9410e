import { parseFeelDate, parseFeelDateTime } from '../feel/feel-values';
import { XmlElement, attribute, childNamed, childrenNamed, parseXml } from './xml-tree';

/**
 * The DMN TCK test-case format (`testCases` XML): inputs and expected results of one model. Expected numbers
 * keep their decimal text so they can be compared as decimals rather than as already-rounded doubles.
 */
export type TckValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'date' | 'dateTime' | 'time' | 'duration'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly TckValue[] }
  | { readonly kind: 'context'; readonly entries: readonly { readonly name: string; readonly value: TckValue }[] };

export interface TckResultNode {
  readonly name: string;
  readonly type: string;
  /** The test expects an error: a null result passes. */
  readonly errorResult: boolean;
  readonly expected: TckValue;
}

export interface TckTestCase {
  readonly id: string;
  /** `decision` (default), `bkm` or `decisionService`. */
  readonly type: string;
  readonly inputs: readonly { readonly name: string; readonly value: TckValue }[];
  readonly results: readonly TckResultNode[];
}

export interface TckTestFile {
  readonly modelName: string | null;
  readonly cases: readonly TckTestCase[];
}

const NUMERIC_TYPES = new Set(['decimal', 'double', 'float', 'integer', 'int', 'long', 'short', 'byte', 'nonNegativeInteger', 'positiveInteger', 'negativeInteger', 'nonPositiveInteger', 'unsignedInt', 'unsignedLong']);

export function readTckTestFile(xml: string): TckTestFile {
  const root = parseXml(xml);
  if (root.name !== 'testCases') throw new Error(`expected <testCases>, found <${root.name}>`);
  const modelName = childNamed(root, 'modelName')?.text.trim() ?? null;
  const cases = childrenNamed(root, 'testCase').map((tc, index) => ({
    id: attribute(tc, 'id') ?? String(index + 1),
    type: attribute(tc, 'type') ?? 'decision',
    inputs: childrenNamed(tc, 'inputNode').map((node) => ({ name: attribute(node, 'name') ?? '', value: readValue(node) })),
    results: childrenNamed(tc, 'resultNode').map((node) => {
      const expected = childNamed(node, 'expected');
      return {
        name: attribute(node, 'name') ?? '',
        type: attribute(node, 'type') ?? 'decision',
        errorResult: attribute(node, 'errorResult') === 'true',
        expected: expected ? readValue(expected) : ({ kind: 'null' } as const),
      };
    }),
  }));
  return { modelName, cases };
}

/** A ValueType element: `<value>`, a sequence of `<component>`s, or a `<list>` of `<item>`s. */
function readValue(element: XmlElement): TckValue {
  const value = childNamed(element, 'value');
  if (value) return readSimple(value);
  const list = childNamed(element, 'list');
  if (list) return { kind: 'list', items: childrenNamed(list, 'item').map(readValue) };
  const components = childrenNamed(element, 'component');
  if (components.length > 0) {
    return { kind: 'context', entries: components.map((c) => ({ name: attribute(c, 'name') ?? '', value: readValue(c) })) };
  }
  return { kind: 'null' };
}

function readSimple(value: XmlElement): TckValue {
  if (attribute(value, 'nil') === 'true') return { kind: 'null' };
  const xsiType = attribute(value, 'type') ?? '';
  const type = xsiType.includes(':') ? xsiType.slice(xsiType.indexOf(':') + 1) : xsiType;
  const text = value.text;
  if (NUMERIC_TYPES.has(type)) return { kind: 'number', text: text.trim() };
  switch (type) {
    case 'boolean':
      return { kind: 'boolean', value: text.trim() === 'true' };
    case 'date':
      return { kind: 'date', text: text.trim() };
    case 'dateTime':
      return { kind: 'dateTime', text: text.trim() };
    case 'time':
      return { kind: 'time', text: text.trim() };
    case 'duration':
      return { kind: 'duration', text: text.trim() };
    default:
      return { kind: 'string', value: text };
  }
}

/** A test input as the engine receives features: plain JS values, dates as FEEL dates. */
export function toInputValue(value: TckValue): unknown {
  switch (value.kind) {
    case 'null':
      return null;
    case 'number':
      return Number(value.text);
    case 'string':
    case 'boolean':
      return value.value;
    case 'date':
      return parseFeelDate(value.text) ?? value.text;
    case 'dateTime':
      return parseFeelDateTime(value.text) ?? value.text;
    case 'time':
    case 'duration':
      return value.text;
    case 'list':
      return value.items.map(toInputValue);
    case 'context': {
      const out: Record<string, unknown> = {};
      for (const entry of value.entries) out[entry.name] = toInputValue(entry.value);
      return out;
    }
  }
}


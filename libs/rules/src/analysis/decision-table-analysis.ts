import type { TableShape } from '../decision-table/decision-table-compiler';
import type { FeelNode, PositiveUnaryTest, UnaryTestsNode } from '../feel/feel-ast';
import { FeelCompiler } from '../feel/feel-compiler';
import type { FeelType } from '../feel/feel-types';
import { FeelDate, FeelDateTime } from '../feel/feel-values';
import {
  ALL_BOOLEANS,
  ALL_DAYS,
  ALL_ORDERED,
  ALL_STRINGS,
  ColumnKind,
  ColumnSet,
  booleanSet,
  complement,
  covers,
  describeSet,
  intersect,
  intervalSet,
  isEmpty,
  stringSet,
  subtract,
  union,
} from './column-set';
import type { FindingCode, FindingCollector, FindingLocation, FindingSeverity } from './validation-finding';

/** Beyond this many fragments the gap search stops: reporting nothing beats reporting noise slowly. */
const MAX_FRAGMENTS = 5000;
/** Past these counts per table, further findings of a kind are summed up in one: a broken table is not 3000 lines. */
const LISTED_PER_KIND: Partial<Record<FindingCode, number>> = { GAP: 5 };
const LISTED_DEFAULT = 50;

/** Reports findings of one table, listing the first few of each kind and counting the rest. */
class TableReport {
  private readonly counts = new Map<FindingCode, { severity: FindingSeverity; count: number }>();

  constructor(
    private readonly findings: FindingCollector,
    private readonly at: FindingLocation,
  ) {}

  add(severity: FindingSeverity, code: FindingCode, message: string, ruleIds: readonly string[]): void {
    const entry = this.counts.get(code) ?? { severity, count: 0 };
    entry.count++;
    this.counts.set(code, entry);
    if (entry.count <= (LISTED_PER_KIND[code] ?? LISTED_DEFAULT)) this.findings.report(severity, code, this.at, message, ruleIds);
  }

  close(): void {
    for (const [code, { severity, count }] of this.counts) {
      const listed = LISTED_PER_KIND[code] ?? LISTED_DEFAULT;
      if (count > listed) this.findings.report(severity, code, this.at, `${count - listed} more ${code} findings in this table are not listed`, []);
    }
  }
}

interface Column {
  readonly label: string;
  readonly kind: ColumnKind;
  readonly universe: ColumnSet;
}

/**
 * Deploy-time checks of one decision table: overlapping rules under UNIQUE (and under ANY when their
 * outputs differ), rules a FIRST table can never reach, and input combinations no rule covers.
 */
export function analyseDecisionTable(shape: TableShape, findings: FindingCollector): void {
  const report = new TableReport(findings, { tableId: shape.tableId, element: shape.decision });
  analyse(shape, report);
  report.close();
}

function analyse(shape: TableShape, report: TableReport): void {
  const columns = shape.columns.map((c, i) => columnOf(c, shape.rules.map((r) => r.entries[i] ?? null)));
  // A rule is a box: one set per input column; null marks an entry analysis cannot reason about.
  const boxes = shape.rules.map((rule) => rule.entries.map((entry, i) => (columns[i] && entry ? toSet(entry, columns[i] as Column) : null)));
  const ruleNumber = (index: number) => index + 1;
  const describe = (box: readonly (ColumnSet | null)[]) => describeBox(box, columns);

  if (shape.hitPolicy === 'UNIQUE' || shape.hitPolicy === 'ANY') {
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const overlap = intersectBoxes(boxes[a], boxes[b]);
        if (!overlap) continue;
        const ids = [shape.rules[a].id, shape.rules[b].id];
        if (shape.hitPolicy === 'UNIQUE') {
          report.add('error', 'OVERLAP', `rules ${ruleNumber(a)} and ${ruleNumber(b)} overlap under UNIQUE, e.g. when ${describe(overlap)}`, ids);
        } else if (shape.rules[a].outputTexts.join('\u0000') !== shape.rules[b].outputTexts.join('\u0000')) {
          report.add(
            'error',
            'CONFLICTING_OUTPUTS',
            `rules ${ruleNumber(a)} and ${ruleNumber(b)} overlap under ANY with different outputs, e.g. when ${describe(overlap)}`,
            ids,
          );
        }
      }
    }
  }

  if (shape.hitPolicy === 'FIRST') reportUnreachable(shape, boxes, report);

  if (shape.hasDefaultOutput) return;
  if (columns.some((c) => c === null) || boxes.some((box) => box.some((s) => s === null))) {
    const opaque = shape.rules.findIndex((_, r) => boxes[r].some((s) => s === null));
    report.add(
      'info',
      'ANALYSIS_SKIPPED',
      opaque >= 0
        ? `gap analysis skipped: rule ${ruleNumber(opaque)} has an entry that is not a constant test`
        : 'gap analysis skipped: a column mixes value types',
      [],
    );
    return;
  }
  const full = columns.map((c) => (c as Column).universe);
  let gaps: ColumnSet[][] = [full];
  for (const box of boxes) {
    gaps = gaps.flatMap((g) => subtractBox(g, box as ColumnSet[]));
    if (gaps.length > MAX_FRAGMENTS) {
      report.add('info', 'ANALYSIS_SKIPPED', 'gap analysis skipped: the table is too fragmented to enumerate its gaps', []);
      return;
    }
  }
  for (const gap of gaps) report.add('warning', 'GAP', `no rule matches when ${describe(gap)}`, []);
}

/** A FIRST rule is unreachable when the rules above it together cover every input it matches. */
function reportUnreachable(shape: TableShape, boxes: readonly (readonly (ColumnSet | null)[])[], report: TableReport): void {
  for (let r = 1; r < boxes.length; r++) {
    // An entry we cannot reason about is widened to "anything": if even that is covered, the rule is dead.
    let remaining: ColumnSet[][] = [widen(boxes[r], boxes)];
    const covering: number[] = [];
    for (let e = 0; e < r && remaining.length > 0; e++) {
      const earlier = boxes[e];
      if (earlier.some((s) => s === null)) continue;
      const next = remaining.flatMap((g) => subtractBox(g, earlier as ColumnSet[]));
      if (next.length !== remaining.length || next.some((g, i) => g !== remaining[i])) covering.push(e);
      remaining = next;
      if (remaining.length > MAX_FRAGMENTS) break;
    }
    if (remaining.length === 0) {
      const by = covering.map((e) => e + 1).join(', ');
      report.add(
        'warning',
        'UNREACHABLE_RULE',
        `rule ${r + 1} can never fire under FIRST: rule${covering.length > 1 ? 's' : ''} ${by} match${covering.length > 1 ? '' : 'es'} everything it matches`,
        [shape.rules[r].id, ...covering.map((e) => shape.rules[e].id)],
      );
    }
  }
}

function widen(box: readonly (ColumnSet | null)[], all: readonly (readonly (ColumnSet | null)[])[]): ColumnSet[] {
  return box.map((set, i) => set ?? universeLike(all, i));
}

function universeLike(all: readonly (readonly (ColumnSet | null)[])[], column: number): ColumnSet {
  const sample = all.map((b) => b[column]).find((s) => s !== null);
  if (!sample) return ALL_STRINGS;
  return sample.kind === 'ordered' ? ALL_ORDERED : sample.kind === 'boolean' ? ALL_BOOLEANS : ALL_STRINGS;
}

function intersectBoxes(a: readonly (ColumnSet | null)[], b: readonly (ColumnSet | null)[]): (ColumnSet | null)[] | null {
  const out: (ColumnSet | null)[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    // Unknown entries cannot prove an overlap.
    if (x === null || y === null) return null;
    const both = intersect(x, y);
    if (isEmpty(both)) return null;
    out.push(both);
  }
  return out;
}

/** box \ cut as disjoint boxes: peel off one column at a time. */
function subtractBox(box: readonly ColumnSet[], cut: readonly ColumnSet[]): ColumnSet[][] {
  for (let i = 0; i < box.length; i++) if (isEmpty(intersect(box[i], cut[i]))) return [box as ColumnSet[]];
  const out: ColumnSet[][] = [];
  const prefix: ColumnSet[] = [];
  for (let i = 0; i < box.length; i++) {
    const outside = subtract(box[i], cut[i]);
    if (!isEmpty(outside)) out.push([...prefix, outside, ...box.slice(i + 1)]);
    prefix.push(intersect(box[i], cut[i]));
  }
  return out;
}

function describeBox(box: readonly (ColumnSet | null)[], columns: readonly (Column | null)[]): string {
  const parts: string[] = [];
  box.forEach((set, i) => {
    const column = columns[i];
    if (!set || !column) return;
    if (covers(set, column.universe)) return;
    parts.push(`${column.label} is ${describeSet(set, formatter(column.kind))}`);
  });
  return parts.length > 0 ? parts.join(', ') : 'any input';
}

function formatter(kind: ColumnKind): (n: number) => string {
  if (kind === 'date') return (n) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  if (kind === 'date and time') return (n) => new Date(n).toISOString();
  return (n) => String(n);
}

/** The column's kind from its declared type, else from the constants its entries test. */
function columnOf(column: TableShape['columns'][number], entries: readonly (UnaryTestsNode | null)[]): Column | null {
  const kind = kindOfType(column.type) ?? kindOfEntries(entries);
  if (!kind) return null;
  let universe = universeOf(kind);
  if (column.inputValues) {
    // Declared input values bound the domain: a gap outside them cannot occur.
    const declared = toSet(column.inputValues, { label: column.label, kind, universe });
    if (declared) universe = declared;
  }
  return { label: column.label, kind, universe };
}

function universeOf(kind: ColumnKind): ColumnSet {
  switch (kind) {
    case 'string':
      return ALL_STRINGS;
    case 'boolean':
      return ALL_BOOLEANS;
    case 'date':
      return ALL_DAYS;
    default:
      return ALL_ORDERED;
  }
}

function kindOfType(type: FeelType): ColumnKind | null {
  if (type.kind !== 'primitive') return null;
  switch (type.name) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'date':
    case 'date and time':
      return type.name;
    default:
      return null;
  }
}

function kindOfEntries(entries: readonly (UnaryTestsNode | null)[]): ColumnKind | null {
  let kind: ColumnKind | null = null;
  for (const entry of entries) {
    if (!entry || entry.type === 'AnyTest') continue;
    for (const test of entry.tests) {
      const operand = test.type === 'CompareTest' ? test.operand : test.type === 'RangeTest' ? (test.range.start ?? test.range.end) : test.expression;
      const value = operand ? constantValue(operand) : undefined;
      const k = value === undefined ? null : kindOfValue(value.value);
      if (!k) continue;
      if (kind && kind !== k) return null;
      kind = k;
    }
  }
  return kind;
}

function kindOfValue(value: unknown): ColumnKind | null {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof FeelDate) return 'date';
  if (value instanceof FeelDateTime) return 'date and time';
  return null;
}

const CONSTANT_FOLDER = new FeelCompiler({ resolve: () => undefined });

function constantValue(node: FeelNode): { value: unknown } | undefined {
  try {
    return CONSTANT_FOLDER.expression(node).constant ?? undefined;
  } catch {
    return undefined;
  }
}

/** Unary tests → set, or null when an entry is not built from constants of the column's kind. */
function toSet(node: UnaryTestsNode, column: Column): ColumnSet | null {
  if (node.type === 'AnyTest') return column.universe;
  let set: ColumnSet | null = null;
  for (const test of node.tests) {
    const part = positiveToSet(test, column);
    if (part === null) return null;
    set = set === null ? part : union(set, part);
  }
  if (set === null) return null;
  return intersect(node.negated ? complement(set) : set, column.universe);
}

function positiveToSet(test: PositiveUnaryTest, column: Column): ColumnSet | null {
  switch (test.type) {
    case 'CompareTest': {
      const value = constantValue(test.operand);
      if (!value) return null;
      if (value.value === null) return test.op === '!=' ? fullOf(column) : test.op === '=' ? emptyOf(column) : null;
      const n = ordinal(value.value, column.kind);
      if (n !== null) {
        switch (test.op) {
          case '<':
            return closed(column.kind, -Infinity, false, n, false);
          case '<=':
            return closed(column.kind, -Infinity, false, n, true);
          case '>':
            return closed(column.kind, n, false, Infinity, false);
          case '>=':
            return closed(column.kind, n, true, Infinity, false);
          case '=':
            return closed(column.kind, n, true, n, true);
          case '!=':
            return complement(closed(column.kind, n, true, n, true));
        }
      }
      if (test.op === '=' || test.op === '!=') {
        const eq = equalitySet(value.value, column.kind);
        return eq && (test.op === '=' ? eq : complement(eq));
      }
      return null;
    }
    case 'RangeTest': {
      const lo = test.range.start ? constantValue(test.range.start) : { value: null };
      const hi = test.range.end ? constantValue(test.range.end) : { value: null };
      if (!lo || !hi) return null;
      const l = lo.value === null ? -Infinity : ordinal(lo.value, column.kind);
      const h = hi.value === null ? Infinity : ordinal(hi.value, column.kind);
      if (l === null || h === null) return null;
      return closed(column.kind, l, test.range.startIncluded, h, test.range.endIncluded);
    }
    case 'ExpressionTest': {
      if (test.usesQuestionMark) return null;
      const value = constantValue(test.expression);
      if (!value) return null;
      if (value.value === null) return emptyOf(column);
      if (Array.isArray(value.value)) {
        let set: ColumnSet = emptyOf(column);
        for (const item of value.value) {
          const part = equalitySet(item, column.kind);
          if (!part) return null;
          set = union(set, part);
        }
        return set;
      }
      return equalitySet(value.value, column.kind);
    }
  }
}

function equalitySet(value: unknown, kind: ColumnKind): ColumnSet | null {
  if (kind === 'string') return typeof value === 'string' ? stringSet([value]) : null;
  if (kind === 'boolean') return typeof value === 'boolean' ? booleanSet(value) : null;
  const n = ordinal(value, kind);
  return n === null ? null : closed(kind, n, true, n, true);
}

function ordinal(value: unknown, kind: ColumnKind): number | null {
  if (kind === 'number') return typeof value === 'number' ? value : null;
  if (kind === 'date') return value instanceof FeelDate ? value.epochDay : null;
  if (kind === 'date and time') return value instanceof FeelDateTime && value.offsetSeconds !== null ? value.epochMs : null;
  return null;
}

/** Dates are whole days: `< 2024-01-05` is `<= 2024-01-04`, so adjacent day ranges leave no false gap. */
function closed(kind: ColumnKind, lo: number, loIncluded: boolean, hi: number, hiIncluded: boolean): ColumnSet {
  return intervalSet(lo, loIncluded, hi, hiIncluded, kind === 'date');
}

function fullOf(column: Column): ColumnSet {
  return column.universe;
}

function emptyOf(column: Column): ColumnSet {
  return complement(universeOf(column.kind));
}

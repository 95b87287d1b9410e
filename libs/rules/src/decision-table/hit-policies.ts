import type { DmnAggregation, DmnHitPolicy } from '../dmn/dmn-elements';
import type { Evaluator, FeelFrame } from '../feel/feel-frame';
import { warn } from '../feel/feel-frame';
import { feelAdd, feelCompare, feelEquals, feelListContains } from '../feel/feel-semantics';
import type { CompiledRule, RuleHit, TableRuntime } from './decision-table-compiler';

/** Priority of a rule's output under PRIORITY and OUTPUT ORDER: compared element by element, lower first. */
export type RankOutputs = (output: unknown, frame: FeelFrame) => number[];

export type HitPolicyEvaluator = (table: TableRuntime, values: readonly unknown[], frame: FeelFrame, hits: RuleHit[] | null) => unknown;

function matches(rule: CompiledRule, values: readonly unknown[], frame: FeelFrame): boolean {
  const columns = rule.columns;
  const tests = rule.tests;
  for (let k = 0; k < tests.length; k++) {
    if (tests[k](values[columns[k]], frame) !== true) return false;
  }
  return true;
}

function output(table: TableRuntime, readers: readonly Evaluator[], frame: FeelFrame): unknown {
  const names = table.outputNames;
  if (names === null) return readers.length > 0 ? readers[0](frame) : null;
  const result: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) result[names[i]] = readers[i](frame);
  return result;
}

/** No rule matched: the default output entries when declared; otherwise null, or 0 for a count. */
function noMatch(table: TableRuntime, frame: FeelFrame): unknown {
  if (table.defaultOutputs) return output(table, table.defaultOutputs, frame);
  return table.aggregation === 'COUNT' ? 0 : null;
}

function matchingRules(table: TableRuntime, values: readonly unknown[], frame: FeelFrame): CompiledRule[] {
  const found: CompiledRule[] = [];
  const rules = table.rules;
  for (let i = 0; i < rules.length; i++) if (matches(rules[i], values, frame)) found.push(rules[i]);
  return found;
}

function violation(frame: FeelFrame, matched: readonly CompiledRule[], policy: string): null {
  const first = matched[0].hit;
  const rows = matched.map((r) => r.hit.ruleNumber).join(', ');
  warn(frame, {
    code: 'HIT_POLICY_VIOLATION',
    element: first.decision,
    message: `${policy} hit policy violated by rules ${rows} of table '${first.tableId}'`,
  });
  return null;
}

const unique: HitPolicyEvaluator = (table, values, frame, hits) => {
  const rules = table.rules;
  let found: CompiledRule | null = null;
  for (let i = 0; i < rules.length; i++) {
    if (!matches(rules[i], values, frame)) continue;
    if (found !== null) return violation(frame, matchingRules(table, values, frame), 'UNIQUE');
    found = rules[i];
  }
  if (found === null) return noMatch(table, frame);
  hits?.push(found.hit);
  return output(table, found.outputs, frame);
};

const first: HitPolicyEvaluator = (table, values, frame, hits) => {
  const rules = table.rules;
  for (let i = 0; i < rules.length; i++) {
    if (matches(rules[i], values, frame)) {
      hits?.push(rules[i].hit);
      return output(table, rules[i].outputs, frame);
    }
  }
  return noMatch(table, frame);
};

const any: HitPolicyEvaluator = (table, values, frame, hits) => {
  const matched = matchingRules(table, values, frame);
  if (matched.length === 0) return noMatch(table, frame);
  const result = output(table, matched[0].outputs, frame);
  for (let i = 1; i < matched.length; i++) {
    if (feelEquals(output(table, matched[i].outputs, frame), result) !== true) return violation(frame, matched, 'ANY');
  }
  if (hits) for (const rule of matched) hits.push(rule.hit);
  return result;
};

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function ranked(table: TableRuntime, matched: readonly CompiledRule[], frame: FeelFrame) {
  const rank = table.rank;
  const entries = matched.map((rule, index) => {
    const value = output(table, rule.outputs, frame);
    return { rule, value, index, rank: rank ? rank(value, frame) : [] };
  });
  // Ties keep rule order (sort is stable).
  return entries.sort((a, b) => compareRanks(a.rank, b.rank) || a.index - b.index);
}

const priority: HitPolicyEvaluator = (table, values, frame, hits) => {
  const matched = matchingRules(table, values, frame);
  if (matched.length === 0) return noMatch(table, frame);
  const best = ranked(table, matched, frame)[0];
  hits?.push(best.rule.hit);
  return best.value;
};

const outputOrder: HitPolicyEvaluator = (table, values, frame, hits) => {
  const matched = matchingRules(table, values, frame);
  if (matched.length === 0) return noMatch(table, frame);
  const sorted = ranked(table, matched, frame);
  if (hits) for (const entry of sorted) hits.push(entry.rule.hit);
  return sorted.map((e) => e.value);
};

const ruleOrder: HitPolicyEvaluator = (table, values, frame, hits) => {
  const matched = matchingRules(table, values, frame);
  if (matched.length === 0) return noMatch(table, frame);
  if (hits) for (const rule of matched) hits.push(rule.hit);
  return matched.map((rule) => output(table, rule.outputs, frame));
};

function aggregate(values: readonly unknown[], aggregation: DmnAggregation): unknown {
  switch (aggregation) {
    case 'COUNT': {
      const distinct: unknown[] = [];
      for (const v of values) if (feelListContains(distinct, v) !== true) distinct.push(v);
      return distinct.length;
    }
    case 'SUM': {
      let total: unknown = 0;
      for (const v of values) {
        if (typeof v !== 'number') return null;
        total = feelAdd(total, v);
      }
      return total;
    }
    case 'MIN':
    case 'MAX': {
      const sign = aggregation === 'MIN' ? -1 : 1;
      let best = values[0];
      for (let i = 1; i < values.length; i++) {
        const c = feelCompare(values[i], best);
        if (c === null) return null;
        if (c * sign > 0) best = values[i];
      }
      return feelCompare(best, best) === null ? null : best;
    }
  }
}

function collectAggregated(aggregation: DmnAggregation): HitPolicyEvaluator {
  return (table, values, frame, hits) => {
    const matched = matchingRules(table, values, frame);
    if (matched.length === 0) return noMatch(table, frame);
    if (hits) for (const rule of matched) hits.push(rule.hit);
    const names = table.outputNames;
    if (names === null) return aggregate(matched.map((rule) => rule.outputs[0](frame)), aggregation);
    // Several outputs: one aggregate per output column.
    const result: Record<string, unknown> = {};
    names.forEach((name, i) => {
      result[name] = aggregate(matched.map((rule) => rule.outputs[i](frame)), aggregation);
    });
    return result;
  };
}

export function selectHitPolicy(policy: DmnHitPolicy, aggregation: DmnAggregation | null): HitPolicyEvaluator {
  switch (policy) {
    case 'UNIQUE':
      return unique;
    case 'FIRST':
      return first;
    case 'ANY':
      return any;
    case 'PRIORITY':
      return priority;
    case 'OUTPUT ORDER':
      return outputOrder;
    case 'RULE ORDER':
      return ruleOrder;
    case 'COLLECT':
      return aggregation ? collectAggregated(aggregation) : ruleOrder;
    default:
      return unique;
  }
}

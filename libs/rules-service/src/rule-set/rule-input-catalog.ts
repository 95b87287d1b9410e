import { DECISION_VARIABLES } from '@kairos/decisioning';
import type { FeatureRegistry, FeatureType } from '@kairos/profile';

/** How a rule input looks to FEEL: the kinds a DMN typeRef can be checked against. */
export type RuleInputKind = 'number' | 'boolean' | 'string' | 'list' | 'context';

/** What a deployed rule set may read by name: profile features and the decision variables of the decision core. */
export interface RuleInputCatalog {
  kindOf(name: string): RuleInputKind | undefined;
}

const FEATURE_KINDS: Readonly<Record<FeatureType, RuleInputKind>> = {
  number: 'number',
  boolean: 'boolean',
  string: 'string',
  // Timestamps reach rules as epoch milliseconds (see FeatureValue).
  timestamp: 'number',
  'string-set': 'list',
};

const VARIABLE_KINDS: Readonly<Record<(typeof DECISION_VARIABLES)[number], RuleInputKind>> = {
  context: 'context',
  scores: 'context',
  channel: 'string',
  placement: 'string',
  triggers: 'list',
};

export function ruleInputCatalog(registry: Pick<FeatureRegistry, 'has' | 'definition'>): RuleInputCatalog {
  return {
    kindOf(name) {
      if (Object.prototype.hasOwnProperty.call(VARIABLE_KINDS, name)) return VARIABLE_KINDS[name as keyof typeof VARIABLE_KINDS];
      return registry.has(name) ? FEATURE_KINDS[registry.definition(name).type] : undefined;
    },
  };
}

/** DMN/FEEL (and Camunda Java) type names of simple values; anything else is an item definition or Any. */
const TYPE_REF_KINDS: Readonly<Record<string, RuleInputKind>> = {
  number: 'number',
  integer: 'number',
  long: 'number',
  double: 'number',
  string: 'string',
  boolean: 'boolean',
  context: 'context',
  list: 'list',
};
const TEMPORAL = new Set(['date', 'time', 'dateTime', 'date and time', 'duration', 'days and time duration', 'years and months duration']);

/** Null when `typeRef` fits values of `kind`, else why not. Item definitions and Any are accepted here. */
export function typeRefMismatch(typeRef: string | null, kind: RuleInputKind): string | null {
  if (typeRef === null || typeRef === '' || typeRef === 'Any') return null;
  const local = typeRef.replace(/^feel:/, '');
  if (TEMPORAL.has(local)) return `is declared ${local}, but Kairos supplies it as a ${kind} (timestamps are epoch milliseconds)`;
  const declared = TYPE_REF_KINDS[local];
  if (declared === undefined || declared === kind) return null;
  return `is declared ${local}, but it is a ${kind}`;
}

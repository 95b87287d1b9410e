import { EventType, KairosError, ValidationIssue, fromZodIssues } from '@kairos/contracts';
import type { FeatureRegistry } from '@kairos/profile';
import { createHash } from 'node:crypto';
import { ConditionExpression, compileCondition, isConditionExpression } from './condition-expression';
import { durationMs } from './duration';
import { EventPredicate, checkDataField, checkEventMatch, compileEventMatch } from './event-match';
import {
  AbsenceTriggerDefinition,
  CalendarTriggerDefinition,
  CountTriggerDefinition,
  ScoreChangeTriggerDefinition,
  ThresholdTriggerDefinition,
  TriggerDefinition,
  triggerDocumentSchema,
} from './trigger-definition.schema';

/** Names a score-change guard may read besides features. */
export const SCORE_VARIABLES = ['score', 'previous_score'] as const;

interface CompiledBase<D extends TriggerDefinition> {
  readonly definition: D;
  readonly id: string;
  readonly version: number;
  /** Hash of the definition: state is carried across a redeploy only while it is unchanged. */
  readonly fingerprint: string;
  readonly cooldownMs: number;
  readonly validForMs: number;
  readonly guard: ConditionExpression | null;
}

export interface CompiledCountTrigger extends CompiledBase<CountTriggerDefinition> {
  readonly kind: 'count';
  readonly withinMs: number;
  readonly matches: EventPredicate;
}
export interface CompiledAbsenceTrigger extends CompiledBase<AbsenceTriggerDefinition> {
  readonly kind: 'absence';
  readonly withinMs: number;
  readonly staleAfterMs: number;
  readonly startsWith: EventPredicate;
  readonly endsWith: EventPredicate;
}
export interface CompiledCalendarTrigger extends CompiledBase<CalendarTriggerDefinition> {
  readonly kind: 'calendar';
  readonly atLocalMinute: number;
}
export interface CompiledThresholdTrigger extends CompiledBase<ThresholdTriggerDefinition> {
  readonly kind: 'threshold';
  readonly condition: ConditionExpression;
}
export interface CompiledScoreChangeTrigger extends CompiledBase<ScoreChangeTriggerDefinition> {
  readonly kind: 'score_change';
  readonly rearmAt: number;
}
export type CompiledTrigger = CompiledCountTrigger | CompiledAbsenceTrigger | CompiledCalendarTrigger | CompiledThresholdTrigger | CompiledScoreChangeTrigger;

/** A validated, compiled set of triggers: what a partition's `TriggerEngine` runs. Immutable. */
export interface TriggerSet {
  readonly version: string;
  readonly triggers: readonly CompiledTrigger[];
}

export interface TriggerSetOptions {
  /** Feature names in conditions are checked against it, so a typo fails at deploy and not silently at run time. */
  readonly registry: FeatureRegistry;
}

/**
 * Validates a trigger document (`{ version, triggers: [...] }`) and compiles it. Every problem of every trigger is
 * reported at once as VALIDATION_FAILED with paths such as `triggers[2].event.where.product`.
 */
export function compileTriggerSet(document: unknown, options: TriggerSetOptions): TriggerSet {
  const parsed = triggerDocumentSchema.safeParse(document);
  if (!parsed.success) throw triggerSetError(fromZodIssues(parsed.error.issues));
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const triggers: CompiledTrigger[] = [];
  parsed.data.triggers.forEach((definition, index) => {
    const path = `triggers[${index}]`;
    if (seen.has(definition.id)) issues.push({ path: `${path}.id`, rule: 'unique', message: `trigger id ${definition.id} is used twice` });
    seen.add(definition.id);
    const compiled = compileTrigger(definition, path, options.registry, issues);
    if (compiled) triggers.push(compiled);
  });
  if (issues.length > 0) throw triggerSetError(issues);
  return Object.freeze({ version: parsed.data.version, triggers: Object.freeze(triggers) });
}

function compileTrigger(definition: TriggerDefinition, path: string, registry: FeatureRegistry, issues: ValidationIssue[]): CompiledTrigger | null {
  const before = issues.length;
  const extraNames = definition.kind === 'score_change' ? SCORE_VARIABLES : [];
  const guard = definition.condition === undefined || definition.kind === 'threshold' ? null : condition(definition.condition, `${path}.condition`, registry, extraNames, issues);
  const base = {
    id: definition.id,
    version: definition.version,
    fingerprint: fingerprint(definition),
    cooldownMs: durationMs(definition.cooldown),
    validForMs: durationMs(definition.validFor),
    guard,
  };
  let compiled: CompiledTrigger | null = null;
  switch (definition.kind) {
    case 'count':
      issues.push(...checkEventMatch(definition.event, `${path}.event`), ...dedupeIssues([definition.event.type], definition.dedupeBy, path));
      compiled = { ...base, definition, kind: 'count', withinMs: durationMs(definition.within), matches: compileEventMatch(definition.event) };
      break;
    case 'absence':
      issues.push(...checkEventMatch(definition.after, `${path}.after`), ...checkEventMatch(definition.awaiting, `${path}.awaiting`));
      issues.push(...dedupeIssues([definition.after.type], definition.dedupeBy, path));
      if (definition.correlateBy) issues.push(...checkDataField([definition.after.type], definition.correlateBy, `${path}.correlateBy`));
      compiled = {
        ...base,
        definition,
        kind: 'absence',
        withinMs: durationMs(definition.within),
        staleAfterMs: durationMs(definition.staleAfter),
        startsWith: compileEventMatch(definition.after),
        endsWith: compileEventMatch(definition.awaiting),
      };
      break;
    case 'calendar': {
      const [hours, minutes] = definition.atLocalTime.split(':').map(Number);
      compiled = { ...base, definition, kind: 'calendar', atLocalMinute: hours * 60 + minutes };
      break;
    }
    case 'threshold': {
      issues.push(...dedupeIssues(definition.on, definition.dedupeBy, path));
      const main = condition(definition.condition, `${path}.condition`, registry, [], issues);
      if (main) compiled = { ...base, definition, kind: 'threshold', condition: main };
      break;
    }
    case 'score_change': {
      const rearmAt = definition.rearmAt ?? definition.crosses;
      if (definition.direction === 'up' ? rearmAt > definition.crosses : rearmAt < definition.crosses) {
        issues.push({ path: `${path}.rearmAt`, rule: 'rearm_side', message: `must lie ${definition.direction === 'up' ? 'at or below' : 'at or above'} crosses` });
      }
      compiled = { ...base, definition, kind: 'score_change', rearmAt };
      break;
    }
    default:
      return assertNever(definition);
  }
  return issues.length === before ? compiled : null;
}

function condition(source: string, path: string, registry: FeatureRegistry, extraNames: readonly string[], issues: ValidationIssue[]): ConditionExpression | null {
  const compiled = compileCondition(source, path);
  if (!isConditionExpression(compiled)) {
    issues.push(compiled);
    return null;
  }
  for (const name of compiled.names) {
    if (!registry.has(name) && !extraNames.includes(name)) issues.push({ path, rule: 'unknown_feature', message: `${name} is not a feature of the registry` });
  }
  return compiled;
}

function dedupeIssues(types: readonly EventType[], fields: readonly string[], path: string): ValidationIssue[] {
  return fields.flatMap((field, i) => checkDataField(types, field, `${path}.dedupeBy[${i}]`));
}

function fingerprint(definition: TriggerDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 32);
}

/** JSON with sorted keys, so the fingerprint does not depend on the order a modeler wrote fields in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function triggerSetError(issues: readonly ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `trigger definitions rejected${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}

function assertNever(value: never): never {
  throw new KairosError('INTERNAL', `unhandled trigger kind ${(value as { kind: string }).kind}`);
}

// The public face of @kairos/triggers: declarative trigger definitions (data, zod-validated), compiled into a
// TriggerSet and evaluated per partition by a TriggerEngine with durable timers and snapshot-able state.
export { durationMs, durationSchema, parseDuration } from './definitions/duration';
export type { EventMatch, EventPredicate } from './definitions/event-match';
export { checkEventMatch, compileEventMatch, eventMatchSchema } from './definitions/event-match';
export type { ConditionExpression } from './definitions/condition-expression';
export { compileCondition, isConditionExpression, referencedNames } from './definitions/condition-expression';
export type {
  AbsenceTriggerDefinition,
  CalendarTriggerDefinition,
  CountTriggerDefinition,
  ScoreChangeTriggerDefinition,
  ThresholdTriggerDefinition,
  TriggerDefinition,
  TriggerDefinitionInput,
  TriggerDocument,
  TriggerKind,
} from './definitions/trigger-definition.schema';
export { TRIGGER_KINDS, triggerDefinitionSchema, triggerDocumentSchema } from './definitions/trigger-definition.schema';
export type { CompiledTrigger, TriggerSet, TriggerSetOptions } from './definitions/trigger-set';
export { SCORE_VARIABLES, canonicalJson, compileTriggerSet } from './definitions/trigger-set';
export type { LocalDateTime } from './calendar/local-calendar';
export { formatLocalDate, formatLocalTime, isKnownTimeZone, localDateTime, utcOffsetMs } from './calendar/local-calendar';
export type { DurableTimer, TimerStore } from './timers/timer-store';
export { InMemoryTimerStore } from './timers/in-memory-timer-store';
export type { FiredTrigger, RecentFire, TriggerCause } from './engine/fired-trigger';
export { triggerAuditDraft } from './engine/fired-trigger';
export type { ScoreObservation } from './engine/evaluator-host';
export type { TriggerCounters, TriggerEngineOptions, TriggerEngineStats } from './engine/trigger-engine';
export { TriggerEngine } from './engine/trigger-engine';
export type { TriggerEngineSnapshot } from './engine/trigger-engine-snapshot';
export { decodeTriggerSnapshot, encodeTriggerSnapshot } from './engine/trigger-engine-snapshot';
export { SEED_TRIGGER_DOCUMENT } from './seed/seed-trigger-document';

// Triggers in the partition workers: the TriggerRuntime (engines per owned partition, snapshot extension, tick,
// fire → audit → decision → action sink), its trace contributor and metrics.
export type { TriggerRuntimeOptions } from './trigger-runtime';
export { TriggerRuntime } from './trigger-runtime';
export type { PendingFire } from './trigger-partition';
export { TriggerPartition } from './trigger-partition';
export { TriggerTraceLog, traceContributor, type TraceStageSink } from './trigger-trace-log';
export { PersistedTriggerTraces, type PersistedTriggerTracesOptions } from './persisted-trigger-traces';
export { TriggerMetrics } from './trigger-metrics';
export * from './lifecycle';

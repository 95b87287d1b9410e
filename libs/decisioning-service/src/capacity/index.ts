// Channel capacity: the cluster-wide budget (decisions' capacity port, admission at the outbox dispatcher),
// /metrics and /v1/capacity.
export { registerCapacityMetrics } from './capacity-metrics';
export { CapacityController } from './capacity.controller';
export type { CapacityModuleAsyncOptions } from './capacity.module';
export { CapacityModule } from './capacity.module';
export type { CapacityStates, ChannelCapacityState } from './capacity-states';
export { CAPACITY_STATES } from './capacity-states';
export { SharedChannelBudget, type CapacityWindowStore, type SharedCapacityState } from './shared-channel-budget';
export { DEFAULT_CHANNEL_CAPACITY, parseChannelCapacity } from './channel-capacity-limits';

// Channel capacity: the cluster-wide budget (decisions' capacity port, admission at the outbox dispatcher), the
// per-process breakers, /metrics and /v1/capacity.
export { registerCapacityMetrics } from './capacity-metrics';
export { CapacityController } from './capacity.controller';
export type { CapacityModuleAsyncOptions } from './capacity.module';
export { CapacityModule } from './capacity.module';
export type { CapacityItem, CapacityReleaseListener, CapacityStates, CapacityVerdict, ChannelCapacityState } from './channel-capacity';
export { CAPACITY_STATES, ChannelCapacity } from './channel-capacity';
export { SharedChannelBudget, type CapacityWindowStore, type SharedCapacityState } from './shared-channel-budget';
export { DEFAULT_CHANNEL_CAPACITY, parseChannelCapacity } from './channel-capacity-limits';

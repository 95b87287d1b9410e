// Channel circuit breakers of a process: the decisions' capacity port, admission of outbound actions, /metrics and /v1/capacity.
export { registerCapacityMetrics } from './capacity-metrics';
export { CapacityController } from './capacity.controller';
export type { CapacityModuleAsyncOptions } from './capacity.module';
export { CapacityModule } from './capacity.module';
export type { CapacityItem, CapacityReleaseListener, CapacityVerdict, ChannelCapacityState } from './channel-capacity';
export { ChannelCapacity } from './channel-capacity';
export { DEFAULT_CHANNEL_CAPACITY, parseChannelCapacity } from './channel-capacity-limits';

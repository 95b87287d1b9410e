import type { BreakerState } from '@kairos/decisioning';

export interface ChannelCapacityState extends BreakerState {
  /** Decisions that chose another action or channel because this breaker was open (the pipeline's `capacity:` reason). */
  readonly skippedByDecisions: number;
}

/** What /v1/capacity and /metrics read: the cluster-wide channel budget as this process last saw it. */
export interface CapacityStates {
  states(nowMs?: number): readonly ChannelCapacityState[];
}

/** Nest token of the CapacityStates the capacity routes serve. */
export const CAPACITY_STATES = Symbol('CAPACITY_STATES');

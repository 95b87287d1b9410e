import type { DecisionChannel } from '../catalog/action-catalog.schema';
import type { CapacityPort } from '../pipeline/decision-ports';
import { BreakerRelease, BreakerState, CapacityLimit, ChannelCircuitBreaker, PendingAction } from './channel-circuit-breaker';

/**
 * The breakers of all limited channels. Channels without a limit pass everything. Capacity is per instance: in a
 * cluster give each worker its share (capacity ÷ workers) or put one board behind the outbox dispatcher.
 */
export class CircuitBreakerBoard<T = unknown> {
  private readonly breakers = new Map<string, ChannelCircuitBreaker<T>>();

  constructor(limits: readonly CapacityLimit[]) {
    for (const limit of limits) this.breakers.set(limit.channel, new ChannelCircuitBreaker<T>(limit));
  }

  /** False if the channel's breaker would hold back. */
  readonly capacity: CapacityPort = (channel: DecisionChannel, nowMs: number) => this.breakers.get(channel)?.available(nowMs) ?? true;

  /** Queues an action for its channel; returns false if the channel is unlimited (send it directly). */
  submit(channel: DecisionChannel, action: PendingAction<T>): boolean {
    const breaker = this.breakers.get(channel);
    if (!breaker) return false;
    breaker.submit(action);
    return true;
  }

  release(nowMs: number): Map<string, BreakerRelease<T>> {
    const out = new Map<string, BreakerRelease<T>>();
    for (const [channel, breaker] of this.breakers) out.set(channel, breaker.release(nowMs));
    return out;
  }

  /** Counters and held-back items for /metrics and traces. */
  states(nowMs: number): BreakerState[] {
    return [...this.breakers.values()].map((breaker) => breaker.state(nowMs));
  }
}

import { Counter, Gauge, type Registry } from 'prom-client';
import type { CapacityStates, ChannelCapacityState } from './capacity-states';

const HELD_BACK_REASONS = ['deferred', 'capacity_exceeded', 'deferred_too_long', 'queue_full', 'skipped_by_decision'] as const;

function heldBack(state: ChannelCapacityState, reason: (typeof HELD_BACK_REASONS)[number]): number {
  if (reason === 'deferred') return state.deferrals;
  if (reason === 'skipped_by_decision') return state.skippedByDecisions;
  return state.dropped[reason];
}

/**
 * Breaker state and everything held back, read from the breakers at each scrape (one read per metric, no timer).
 * Counters are set to the breakers' running totals, which only grow, so they keep counter semantics.
 */
export function registerCapacityMetrics(registry: Registry, capacity: CapacityStates): void {
  const gauge = (name: string, help: string, value: (state: ChannelCapacityState) => number) => {
    const metric: Gauge<'channel'> = new Gauge({
      name,
      help,
      labelNames: ['channel'] as const,
      registers: [registry],
      collect: () => {
        for (const state of capacity.states()) metric.set({ channel: state.channel }, value(state));
      },
    });
  };
  gauge('kairos_channel_breaker_open', 'Channel circuit breaker: 1 open (capacity used up, actions held back), 0 closed', (s) => (s.state === 'open' ? 1 : 0));
  gauge('kairos_channel_breaker_capacity', 'Actions a channel takes per window (the whole cluster when the budget is shared)', (s) => s.capacity);
  gauge('kairos_channel_breaker_used', 'Actions released in the current window (all processes, as last read, when the budget is shared)', (s) => s.usedInWindow);
  gauge('kairos_channel_breaker_queued', 'Actions deferred and waiting for room (held by this process)', (s) => s.queued);

  const released: Counter<'channel'> = new Counter({
    name: 'kairos_channel_released_total',
    help: 'Actions a channel breaker let through',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect: () => {
      released.reset();
      for (const state of capacity.states()) released.inc({ channel: state.channel }, state.released);
    },
  });
  const held: Counter<'channel' | 'reason'> = new Counter({
    name: 'kairos_channel_held_back_total',
    help: 'Actions a channel breaker held back, by reason: deferred, dropped (capacity_exceeded, deferred_too_long, queue_full), or skipped by a decision while open',
    labelNames: ['channel', 'reason'] as const,
    registers: [registry],
    collect: () => {
      held.reset();
      for (const state of capacity.states()) for (const reason of HELD_BACK_REASONS) held.inc({ channel: state.channel, reason }, heldBack(state, reason));
    },
  });
}

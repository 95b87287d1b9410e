import { Registry } from 'prom-client';
import { registerCapacityMetrics } from './capacity-metrics';
import type { ChannelCapacityState } from './capacity-states';

const openPushBreaker: ChannelCapacityState = {
  channel: 'push',
  state: 'open',
  capacity: 1,
  windowMs: 60_000,
  usedInWindow: 1,
  queued: 2,
  submitted: 5,
  released: 1,
  deferrals: 2,
  dropped: { capacity_exceeded: 1, deferred_too_long: 0, queue_full: 0 },
  heldBack: [],
  skippedByDecisions: 3,
};

describe('capacity metrics', () => {
  it('shows breaker state and everything held back, by reason, at each scrape', async () => {
    let states: ChannelCapacityState[] = [openPushBreaker];
    const registry = new Registry();
    registerCapacityMetrics(registry, { states: () => states });
    const text = await registry.metrics();
    expect(text).toContain('kairos_channel_breaker_open{channel="push"} 1');
    expect(text).toContain('kairos_channel_breaker_queued{channel="push"} 2');
    expect(text).toContain('kairos_channel_held_back_total{channel="push",reason="deferred"} 2');
    expect(text).toContain('kairos_channel_held_back_total{channel="push",reason="capacity_exceeded"} 1');
    expect(text).toContain('kairos_channel_held_back_total{channel="push",reason="skipped_by_decision"} 3');
    expect(text).toContain('kairos_channel_released_total{channel="push"} 1');

    states = [{ ...openPushBreaker, state: 'closed', usedInWindow: 0, released: 4 }];
    const later = await registry.metrics();
    expect(later).toContain('kairos_channel_breaker_open{channel="push"} 0');
    expect(later).toContain('kairos_channel_released_total{channel="push"} 4');
  });
});

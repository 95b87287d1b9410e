import { Registry } from 'prom-client';
import type { DecisionOutcome } from '@kairos/decisioning';
import { registerCapacityMetrics } from './capacity-metrics';
import { ChannelCapacity } from './channel-capacity';
import { DEFAULT_CHANNEL_CAPACITY, parseChannelCapacity } from './channel-capacity-limits';

const T0 = Date.UTC(2026, 11, 1, 9);
const outcome = (decisionId: string, ...actions: [string, string, number][]) =>
  ({ decisionId, customerId: 'c', actions: actions.map(([actionId, channel, priority]) => ({ actionId, channel, priority })), holdouts: [] }) as unknown as DecisionOutcome;

describe('channel capacity', () => {
  it('admits the highest priorities up to capacity, defers the rest, releases them when room frees up, and turns decisions away while open', () => {
    const capacity = new ChannelCapacity(parseChannelCapacity([{ channel: 'callback', capacity: 2, window: '1h', overflow: 'defer', maxDefer: '8h' }]), () => T0);
    const released: string[] = [];
    capacity.onRelease((items) => released.push(...items.map((i) => i.id)));
    expect(capacity.port('callback', T0)).toBe(true);
    expect(capacity.admit(outcome('d1', ['a', 'callback', 10], ['b', 'email', 99]), T0).map((v) => `${v.actionId}:${v.verdict}`)).toEqual(['a:released']);
    expect(capacity.admit(outcome('d2', ['c', 'callback', 5]), T0).map((v) => `${v.actionId}:${v.verdict}`)).toEqual(['c:released']);
    expect(capacity.port('callback', T0 + 1)).toBe(false);
    expect(capacity.admit(outcome('d3', ['d', 'callback', 1]), T0 + 2)).toEqual([{ decisionId: 'd3', actionId: 'd', channel: 'callback', priority: 1, verdict: 'deferred', reason: 'deferred' }]);
    capacity.releaseDue(T0 + 30 * 60_000);
    expect(released).toEqual([]);
    capacity.releaseDue(T0 + 60 * 60_000);
    expect(released).toEqual(['d3/d']);
    expect(capacity.states(T0 + 60 * 60_000)).toEqual([expect.objectContaining({ channel: 'callback', released: 3, deferrals: 1, skippedByDecisions: 1 })]);
  });

  it('drops by policy and shows state and held-back counts in the metrics registry', async () => {
    const capacity = new ChannelCapacity([{ channel: 'push', capacity: 1, window: '1m', overflow: 'drop' }], () => T0);
    const registry = new Registry();
    registerCapacityMetrics(registry, capacity);
    expect(capacity.admit(outcome('d1', ['high', 'push', 9], ['low', 'push', 1]), T0).map((v) => `${v.actionId}:${v.verdict}:${v.reason}`)).toEqual(['high:released:null', 'low:dropped:capacity_exceeded']);
    capacity.port('push', T0);
    const text = await registry.metrics();
    expect(text).toContain('kairos_channel_breaker_open{channel="push"} 1');
    expect(text).toContain('kairos_channel_held_back_total{channel="push",reason="capacity_exceeded"} 1');
    expect(text).toContain('kairos_channel_held_back_total{channel="push",reason="skipped_by_decision"} 1');
    expect(text).toContain('kairos_channel_released_total{channel="push"} 1');
  });

  it('validates limits, naming the entry and the rule', () => {
    expect(parseChannelCapacity(DEFAULT_CHANNEL_CAPACITY)).toHaveLength(DEFAULT_CHANNEL_CAPACITY.length);
    expect(() => parseChannelCapacity([{ channel: 'sms', capacity: -1, window: '1m', overflow: 'drop' }])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'capacity[0].capacity' })] }));
    expect(() => parseChannelCapacity([DEFAULT_CHANNEL_CAPACITY[1], DEFAULT_CHANNEL_CAPACITY[1]])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ rule: 'unique' })] }));
  });
});

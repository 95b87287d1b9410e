import { DEFAULT_CHANNEL_CAPACITY, parseChannelCapacity } from './channel-capacity-limits';

describe('channel capacity limits', () => {
  it('accepts the defaults and names the entry and the rule of a bad limit', () => {
    expect(parseChannelCapacity(DEFAULT_CHANNEL_CAPACITY)).toHaveLength(DEFAULT_CHANNEL_CAPACITY.length);
    expect(() => parseChannelCapacity([{ channel: 'sms', capacity: -1, window: '1m', overflow: 'drop' }])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'capacity[0].capacity' })] }));
    expect(() => parseChannelCapacity([DEFAULT_CHANNEL_CAPACITY[1], DEFAULT_CHANNEL_CAPACITY[1]])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ rule: 'unique' })] }));
  });
});

import { TriggerEngine } from '../engine/trigger-engine';
import { InMemoryTimerStore } from '../timers/in-memory-timer-store';
import { HOUR, MINUTE, PartitionHarness, ids, registry } from '../testing/trigger-test-support';

const turns18 = {
  id: 'turns-18',
  description: 'The customer turns 18 today',
  kind: 'calendar' as const,
  occasion: 'birthday' as const,
  turns: 18,
  cooldown: '1d',
  proposes: ['credit-card-recommendation'],
};
const registration = (birthDate: string, timeZone?: string) => ({ birthDate, country: 'DE', language: 'de', ...(timeZone ? { timeZone } : {}) });
const utc = (iso: string) => Date.parse(iso);

describe('calendar trigger', () => {
  it('fires at local midnight of the 18th birthday, per time zone', () => {
    const partition = new PartitionHarness([turns18]);
    partition.emit('berlin', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-24', 'Europe/Berlin'));
    partition.emit('new-york', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-24', 'America/New_York'));
    partition.emit('seventeen', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2009-11-24', 'Europe/Berlin'));
    expect(partition.tick(utc('2026-11-23T22:59:00Z'))).toEqual([]);
    const berlin = partition.tick(utc('2026-11-23T23:00:00Z'));
    expect(berlin).toEqual([
      expect.objectContaining({
        triggerId: 'turns-18',
        customerId: 'berlin',
        cause: { type: 'calendar', localDate: '2026-11-24', timeZone: 'Europe/Berlin' },
        evidence: [
          { feature: 'age', value: 18 },
          { feature: 'local_date', value: '2026-11-24' },
        ],
      }),
    ]);
    expect(partition.tick(utc('2026-11-24T04:59:00Z'))).toEqual([]);
    expect(ids(partition.tick(utc('2026-11-24T05:00:00Z')))).toEqual(['turns-18:new-york']);
    for (let at = utc('2026-11-24T05:01:00Z'); at < utc('2026-11-25T12:00:00Z'); at += 17 * MINUTE) expect(partition.tick(at)).toEqual([]);
  });

  it('waits for the configured local time and checks the guard against the profile', () => {
    const partition = new PartitionHarness([{ ...turns18, atLocalTime: '09:00', condition: 'holds_checking_account' }]);
    partition.emit('holder', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-24'));
    partition.emit('holder', 'product_opened', utc('2025-01-11T10:00:00Z'), { product: 'checking_account', productId: 'ca-1' });
    partition.emit('no-account', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-24'));
    expect(partition.tick(utc('2026-11-24T08:59:00Z'))).toEqual([]);
    const fired = partition.tick(utc('2026-11-24T09:00:00Z'));
    expect(ids(fired)).toEqual(['turns-18:holder']);
    expect(fired[0].evidence).toContainEqual({ feature: 'holds_checking_account', value: true });
    expect(partition.engine.stats().triggers[0]).toMatchObject({ fired: 1, suppressedByCondition: 1 });
  });

  it('celebrates 29 February birthdays on 1 March in other years', () => {
    const partition = new PartitionHarness([turns18]);
    partition.emit('leap', 'customer_registered', utc('2020-01-10T10:00:00Z'), registration('2008-02-29'));
    expect(partition.tick(utc('2026-02-28T12:00:00Z'))).toEqual([]);
    expect(ids(partition.tick(utc('2026-03-01T00:00:00Z')))).toEqual(['turns-18:leap']);
  });

  it('picks up a customer registered on the birthday after the group was evaluated, without firing twice', () => {
    const partition = new PartitionHarness([{ ...turns18, turns: undefined, cooldown: '0s' }]);
    partition.emit('early', 'customer_registered', utc('2026-11-24T01:00:00Z'), registration('1990-11-24'));
    expect(ids(partition.tick(utc('2026-11-24T02:00:00Z')))).toEqual(['turns-18:early']);
    partition.emit('late', 'customer_registered', utc('2026-11-24T10:00:00Z'), registration('1985-11-24'));
    expect(ids(partition.tick(utc('2026-11-24T10:00:01Z')))).toEqual(['turns-18:late']);
    expect(partition.tick(utc('2026-11-24T11:00:00Z'))).toEqual([]);
  });

  it('keeps the birthday index and what was done today across a snapshot', () => {
    const partition = new PartitionHarness([turns18]);
    partition.emit('a', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-24'));
    partition.emit('b', 'customer_registered', utc('2025-01-10T10:00:00Z'), registration('2008-11-25'));
    expect(ids(partition.tick(utc('2026-11-24T00:00:00Z')))).toEqual(['turns-18:a']);
    const restored = new TriggerEngine({ partition: 0, triggers: partition.engine.triggerSet, registry, timers: new InMemoryTimerStore() });
    restored.restore(partition.engine.snapshot());
    expect(restored.onTick(utc('2026-11-24T00:00:00Z') + HOUR)).toEqual([]);
    expect(ids(restored.onTick(utc('2026-11-25T00:00:00Z')))).toEqual(['turns-18:b']);
  });
});

import type { LoggedEvent } from '@kairos/contracts';
import fc from 'fast-check';
import { InMemoryTimerStore } from '../timers/in-memory-timer-store';
import { DAY, HOUR, MINUTE, PartitionHarness, T0, ids, registry, triggerSet } from '../testing/trigger-test-support';
import type { TriggerDefinitionInput } from '../definitions/trigger-definition.schema';
import { triggerAuditDraft } from './fired-trigger';
import { TriggerEngine } from './trigger-engine';
import { decodeTriggerSnapshot } from './trigger-engine-snapshot';

const TRIGGERS: TriggerDefinitionInput[] = [
  { id: 'pin-lock', description: 'x', kind: 'count', event: { type: 'atm_pin_failed' }, atLeast: 3, within: '10m', cooldown: '30m', validFor: '1h', proposes: ['card-unlock'] },
  {
    id: 'unused-card',
    description: 'x',
    kind: 'absence',
    after: { type: 'product_opened', where: { product: 'credit_card' } },
    awaiting: { type: 'card_transaction', where: { product: 'credit_card' } },
    within: '3d',
    cooldown: '0s',
  },
  { id: 'over-limit', description: 'x', kind: 'threshold', condition: 'credit_card_balance < -credit_card_limit', on: ['balance_changed'], cooldown: '0s' },
  { id: 'birthday', description: 'x', kind: 'calendar', occasion: 'birthday', cooldown: '1d' },
  { id: 'churn', description: 'x', kind: 'score_change', model: 'churn', crosses: 0.7, direction: 'up', cooldown: '0s' },
];

type Step =
  | { readonly kind: 'event'; readonly customer: number; readonly type: 'pin' | 'open' | 'buy' | 'balance' | 'register'; readonly value: number; readonly gap: number }
  | { readonly kind: 'tick'; readonly gap: number }
  | { readonly kind: 'score'; readonly customer: number; readonly value: number; readonly gap: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('event' as const), customer: fc.integer({ min: 0, max: 2 }), type: fc.constantFrom('pin' as const, 'pin' as const, 'pin' as const, 'open' as const, 'buy' as const, 'balance' as const, 'register' as const), value: fc.integer({ min: 0, max: 4000 }), gap: fc.oneof(fc.integer({ min: 0, max: 3 * MINUTE }), fc.integer({ min: 0, max: 6 * HOUR })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), gap: fc.integer({ min: 0, max: 2 * DAY }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('score' as const), customer: fc.integer({ min: 0, max: 2 }), value: fc.double({ min: 0, max: 1, noNaN: true }), gap: fc.integer({ min: 0, max: HOUR }) }) },
);

/** Runs the steps; optionally moves the partition to a fresh owner (snapshots as bytes) before step `moveAt`. */
function run(steps: readonly Step[], moveAt = -1): string[] {
  let partition = new PartitionHarness(TRIGGERS);
  const out: string[] = [];
  let now = T0;
  steps.forEach((step, index) => {
    if (index === moveAt) partition = partition.handOver();
    now += step.gap;
    const customerId = `c${'customer' in step ? step.customer : 0}`;
    let fires;
    if (step.kind === 'tick') fires = partition.tick(now);
    else if (step.kind === 'score') fires = partition.engine.onScore({ customerId, model: 'churn', score: step.value, atMs: now, eventId: `s${index}` });
    else fires = partition.apply([eventOf(partition, step, customerId, now)]);
    for (const fire of fires) out.push(`${fire.triggerId}/${fire.customerId}/${fire.occasionId}/${fire.firedAtMs}`);
  });
  return out;
}

function eventOf(partition: PartitionHarness, step: Extract<Step, { kind: 'event' }>, customerId: string, at: number): LoggedEvent {
  switch (step.type) {
    case 'pin':
      return partition.log(customerId, 'atm_pin_failed', at, { cardId: 'card-1', atmId: 'atm-1' });
    case 'open':
      return partition.log(customerId, 'product_opened', at, { product: 'credit_card', productId: `cc-${step.value % 2}`, limit: 1000 + step.value });
    case 'buy':
      return partition.log(customerId, 'card_transaction', at, { cardId: 'card-1', product: 'credit_card', amount: 10, currency: 'EUR', merchantCategory: '5411', channel: 'pos' });
    case 'balance':
      return partition.log(customerId, 'balance_changed', at, { productId: 'cc-0', product: 'credit_card', balance: -step.value });
    case 'register': {
      const birth = new Date(at - (20 + (step.value % 30)) * 365 * DAY + (step.value % 3) * DAY);
      return partition.log(customerId, 'customer_registered', at, { birthDate: birth.toISOString().slice(0, 10), country: 'DE', language: 'de', timeZone: step.value % 2 ? 'Europe/Berlin' : 'America/New_York' });
    }
  }
}

describe('trigger engine', () => {
  it('property: moving the partition to a new owner at any point changes nothing that fires (determinism, R2-style)', () => {
    const kindsSeen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 30, maxLength: 80 }), fc.nat(), (steps, cut) => {
        const uninterrupted = run(steps);
        expect(run(steps, cut % steps.length)).toEqual(uninterrupted);
        for (const fire of uninterrupted) kindsSeen.add(fire.split('/')[0]);
      }),
      { numRuns: 60, seed: 20261123 },
    );
    // The generator reaches every kind of trigger, so the equality above is not vacuous.
    expect([...kindsSeen].sort()).toEqual(['birthday', 'churn', 'over-limit', 'pin-lock', 'unused-card']);
  });

  it('ignores records at or below the last applied offset, so an overlapping replay fires nothing twice', () => {
    const partition = new PartitionHarness(TRIGGERS);
    const records = [0, 1, 2].map((i) => partition.log('c1', 'atm_pin_failed', T0 + i * MINUTE, { cardId: 'card-1', atmId: 'atm-1' }));
    expect(ids(partition.apply(records))).toEqual(['pin-lock:c1']);
    expect(partition.engine.onApplied(records, partition.store)).toEqual([]);
    expect(partition.engine.lastAppliedOffset).toBe(2);
    expect(() => partition.engine.onEvent({ ...records[0], partition: 1, offset: 99 })).toThrow('partition 1');
  });

  it('remembers recent fires per customer as decision context until they expire', () => {
    const partition = new PartitionHarness(TRIGGERS);
    for (let i = 0; i < 3; i++) partition.emit('c1', 'atm_pin_failed', T0 + i * MINUTE, { cardId: 'card-1', atmId: 'atm-1' });
    expect(partition.engine.recentFires('c1', T0 + 3 * MINUTE)).toEqual([expect.objectContaining({ triggerId: 'pin-lock', firedAtMs: T0 + 2 * MINUTE, validUntilMs: T0 + 62 * MINUTE })]);
    expect(partition.engine.recentFires('c1', T0 + 63 * MINUTE)).toEqual([]);
    expect(partition.engine.recentFires('c2', T0)).toEqual([]);
  });

  it('hot-deploys: unchanged triggers keep their state, changed ones start fresh but keep their cooldown', () => {
    const partition = new PartitionHarness(TRIGGERS);
    partition.emit('c1', 'atm_pin_failed', T0, { cardId: 'card-1', atmId: 'atm-1' });
    partition.emit('c1', 'atm_pin_failed', T0 + MINUTE, { cardId: 'card-1', atmId: 'atm-1' });
    partition.engine.deploy(triggerSet(...TRIGGERS.slice().reverse()));
    expect(ids(partition.emit('c1', 'atm_pin_failed', T0 + 2 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' }))).toEqual(['pin-lock:c1']);
    partition.engine.deploy(triggerSet({ ...(TRIGGERS[0] as Extract<TriggerDefinitionInput, { kind: 'count' }>), atLeast: 2 }));
    partition.emit('c1', 'atm_pin_failed', T0 + 3 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' });
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 4 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' })).toEqual([]);
    expect(partition.engine.stats().triggers).toEqual([expect.objectContaining({ triggerId: 'pin-lock', fired: 1, suppressedByCooldown: 1 })]);
  });

  it('gives each fire a trigger_fired audit draft and cancels the timers of a removed trigger at deploy', () => {
    const partition = new PartitionHarness(TRIGGERS);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 500 });
    const [fire] = partition.emit('c1', 'balance_changed', T0 + HOUR, { productId: 'cc-1', product: 'credit_card', balance: -900 });
    expect(triggerAuditDraft(fire, { type: 'component', component: 'trigger-engine', version: '1' })).toEqual({
      kind: 'trigger_fired',
      actor: { type: 'component', component: 'trigger-engine', version: '1' },
      subject: 'c1',
      inputs: [
        { feature: 'credit_card_balance', value: -900 },
        { feature: 'credit_card_limit', value: 500 },
      ],
      logic: { triggerId: 'over-limit@1' },
      output: { occasionId: fire.occasionId, kind: 'threshold', cause: fire.cause, proposes: [], validUntil: new Date(T0 + HOUR + DAY).toISOString(), stateOffset: 1 },
      reasons: ['trigger_fired:over-limit'],
      occurredAtMs: T0 + HOUR,
    });
    expect(partition.timers.pending(0)).toBe(1);
    partition.engine.deploy(triggerSet(TRIGGERS[0]));
    expect(partition.timers.pending(0)).toBe(0);
    expect(partition.tick(T0 + 4 * DAY)).toEqual([]);
    expect(partition.engine.stats()).toMatchObject({ orphanTimers: 0, pendingTimers: 0 });
  });

  it('lets triggers that count one event by the same fields share its key, each with its own count', () => {
    const counting = (id: string, atLeast: number, dedupeBy: string[]): TriggerDefinitionInput => ({ id, description: 'x', kind: 'count', event: { type: 'atm_pin_failed' }, atLeast, within: '10m', dedupeBy, cooldown: '1h' });
    const partition = new PartitionHarness([counting('two-on-a-card', 2, ['cardId']), counting('three-on-a-card', 3, ['cardId']), counting('three-any-card', 3, [])]);
    const fired: string[] = [];
    ['card-1', 'card-2', 'card-1', 'card-2', 'card-1'].forEach((cardId, i) => {
      fired.push(...ids(partition.emit('c1', 'atm_pin_failed', T0 + i * MINUTE, { cardId, atmId: 'atm-1' })).map((id) => `${i}:${id}`));
    });
    expect(fired).toEqual(['2:two-on-a-card:c1', '2:three-any-card:c1', '3:two-on-a-card:c1', '4:three-on-a-card:c1']);
  });

  it('keeps the timers of an unchanged absence trigger across a deploy and drops those of a redefined one', () => {
    const partition = new PartitionHarness(TRIGGERS);
    partition.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 500 });
    partition.engine.deploy(triggerSet(...TRIGGERS.slice().reverse()));
    expect(partition.timers.pending(0)).toBe(1);
    partition.engine.deploy(triggerSet(TRIGGERS[0], { ...(TRIGGERS[1] as Extract<TriggerDefinitionInput, { kind: 'absence' }>), within: '5d' }));
    expect(partition.timers.pending(0)).toBe(0);
    // A snapshot taken under the old set, restored under a set without the trigger: its timers go too.
    const old = new PartitionHarness(TRIGGERS);
    old.emit('c1', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 500 });
    const restored = new PartitionHarness([TRIGGERS[0]]);
    restored.timers.decode(0, old.timers.encode(0));
    restored.engine.restore(old.engine.snapshot());
    expect(restored.timers.pending(0)).toBe(0);
  });

  it('forgets an erased customer everywhere: counts, timers, birthday index, cooldowns, recent fires, snapshot', () => {
    const partition = new PartitionHarness(TRIGGERS);
    partition.emit('gone', 'customer_registered', T0, { birthDate: '1990-11-24', country: 'DE', language: 'de' });
    partition.emit('gone', 'product_opened', T0, { product: 'credit_card', productId: 'cc-1', limit: 100 });
    for (let i = 0; i < 3; i++) partition.emit('gone', 'atm_pin_failed', T0 + i * MINUTE, { cardId: 'card-1', atmId: 'atm-1' });
    partition.emit('gone', 'atm_pin_failed', T0 + 4 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' });
    partition.engine.onScore({ customerId: 'gone', model: 'churn', score: 0.9, atMs: T0 });
    partition.emit('stays', 'atm_pin_failed', T0, { cardId: 'card-9', atmId: 'atm-1' });
    expect(JSON.stringify(partition.engine.snapshot())).toContain('"gone');
    partition.emit('gone', 'customer_erased', T0 + HOUR, { requestId: 'dsr-1', receivedAt: new Date(T0).toISOString() });
    expect(JSON.stringify(partition.engine.snapshot())).not.toContain('gone');
    expect(partition.timers.pending(0)).toBe(0);
    expect(partition.engine.recentFires('gone', T0 + HOUR)).toEqual([]);
    expect(partition.tick(Date.parse('2026-11-24T12:00:00Z'))).toEqual([]);
    expect(JSON.stringify(partition.engine.snapshot())).toContain('stays');
  });

  it('counts an erased customer who returns from zero, per card as before', () => {
    const counting: TriggerDefinitionInput = { id: 'two-on-a-card', description: 'x', kind: 'count', event: { type: 'atm_pin_failed' }, atLeast: 2, within: '1d', dedupeBy: ['cardId'], cooldown: '0s' };
    const partition = new PartitionHarness([counting]);
    partition.emit('c1', 'atm_pin_failed', T0, { cardId: 'card-1', atmId: 'atm-1' });
    partition.emit('c1', 'customer_erased', T0 + MINUTE, { requestId: 'dsr-1', receivedAt: new Date(T0).toISOString() });
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 2 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' })).toEqual([]);
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 3 * MINUTE, { cardId: 'card-2', atmId: 'atm-1' })).toEqual([]);
    expect(ids(partition.emit('c1', 'atm_pin_failed', T0 + 4 * MINUTE, { cardId: 'card-1', atmId: 'atm-1' }))).toEqual(['two-on-a-card:c1']);
  });

  it('builds the birthday index from existing profiles when a calendar trigger arrives later', () => {
    const partition = new PartitionHarness(TRIGGERS.filter((t) => t.kind !== 'calendar'));
    partition.emit('c1', 'customer_registered', T0, { birthDate: '1990-11-24', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
    partition.engine.deploy(triggerSet(...TRIGGERS));
    expect(partition.tick(Date.parse('2026-11-24T12:00:00Z'))).toEqual([]);
    partition.engine.indexProfiles(partition.store);
    partition.engine.indexProfiles(partition.store);
    expect(ids(partition.tick(Date.parse('2026-11-24T12:00:01Z')))).toEqual(['birthday:c1']);
  });

  it('refuses a snapshot of another partition or a malformed one', () => {
    const engine = new TriggerEngine({ partition: 1, triggers: triggerSet(...TRIGGERS), registry, timers: new InMemoryTimerStore() });
    const other = new PartitionHarness(TRIGGERS).engine.snapshot();
    expect(() => engine.restore(other)).toThrow('partition 0');
    expect(() => decodeTriggerSnapshot(Buffer.from('not json'))).toThrow('unreadable');
    expect(() => engine.restore({ ...engine.snapshot(), triggers: [{ id: 'pin-lock', fingerprint: engine.triggerSet.triggers[0].fingerprint, state: { keys: 1 }, ledger: [] }] })).toThrow('malformed');
  });
});

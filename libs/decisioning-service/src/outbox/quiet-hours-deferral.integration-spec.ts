import { compileActionCatalog, decide, type ActionCatalog, type DecisionInputs, type DecisionOutcome } from '@kairos/decisioning';
import { ActionOutboxRepository } from '@kairos/persistence';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import type { DataSource } from 'typeorm';
import { createOutbox, type Outbox } from './create-outbox';
import { deferredActionCheck, type ConsentLookup } from './deferred-action-check';

/**
 * Quiet hours defer, they do not suppress: a push decided at 22:30 in Berlin waits in the outbox table until 08:00
 * there and goes out then — also after a restart, since the wait is a column, not a timer. At dispatch the action
 * is checked again: withdrawn consent or an ended campaign cancels it. Clock and consent are the test's.
 */
const CATALOG: ActionCatalog = compileActionCatalog(
  {
    version: 'quiet-spec',
    channels: { app: { direction: 'inbound', consentChannel: 'app' }, push: { direction: 'outbound', consentChannel: 'push', quietHours: { from: '22:00', to: '08:00' } } },
    contactPolicy: { caps: [] },
    responsibleLending: { overLimit: 'false', inArrears: 'false' },
    actions: [
      { id: 'card-nudge', kind: 'offer', description: 'nudge', channels: ['push'], purposes: ['marketing'], value: 10, propensity: { default: 0.5 }, content: { ref: 'nudge-copy' } },
      { id: 'spring-offer', kind: 'offer', description: 'campaign', channels: ['push'], purposes: ['service'], value: 5, propensity: { default: 0.5 }, content: { campaign: 'spring' } },
    ],
    campaigns: [
      { id: 'spring', description: 'spring', variants: [{ id: 'spring-a', contentRef: 'spring-a' }], controlShare: 0, goal: { event: { type: 'card_transaction' }, within: '7d' }, endsAt: '2026-11-24T06:00:00Z' },
    ],
  },
  { isFeature: () => true },
);
const EVENING = Date.parse('2026-11-23T21:30:00Z'); // 22:30 in Berlin
const MORNING = Date.parse('2026-11-24T07:00:00Z'); // 08:00 in Berlin

function decideFor(customerId: string, actions: string[]): DecisionOutcome {
  const inputs: DecisionInputs = {
    features: () => undefined,
    stateOffset: 1,
    timeZone: 'Europe/Berlin',
    consent: { may: () => true, objectsTo: () => false, snapshot: () => ({ asOfOffset: 1, grants: [], objections: [] }) } as unknown as DecisionInputs['consent'],
    content: () => '1',
    campaigns: () => ({ arms: [], audience: 0 }),
  };
  return decide(CATALOG, { decisionId: `d-${customerId}`, customerId, channels: ['push'], nowMs: EVENING, actions }, inputs);
}

describe.each(STORAGE_DIALECTS)('quiet-hours deferral through the outbox on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let now = EVENING;
  const withdrawn = new Set<string>();
  const consent: ConsentLookup = (customerId) => (customerId === 'c-elsewhere' ? undefined : () => !withdrawn.has(customerId));
  const open = (dataSource: DataSource): Outbox =>
    createOutbox({
      repository: new ActionOutboxRepository(dataSource),
      channels: ['push'],
      clock: () => now,
      dispatcher: { vet: deferredActionCheck({ catalog: () => CATALOG, consent, retryMs: 60_000 }) },
    });

  it('stores the action with its not-before time, sends nothing at night, and sends it at 08:00 after a restart', async () => {
    const outcomes = ['c-1', 'c-2', 'c-elsewhere'].map((c) => decideFor(c, ['card-nudge']));
    expect(outcomes.map((o) => o.actions[0]?.deferredUntilMs)).toEqual([MORNING, MORNING, MORNING]);
    expect(outcomes[0]!.actions[0]!.reasons).toContain('deferred:quiet_hours:push:until:2026-11-24T07:00:00.000Z');
    const evening = open(database.dataSource());
    await evening.sink.emit(outcomes);
    now = MORNING - 60_000;
    expect(await evening.dispatcher.drain()).toBe(0);
    await evening.close();

    // "Restart": new components over the same table; the consent of c-2 was withdrawn overnight.
    withdrawn.add('c-2');
    now = MORNING;
    const morning = open(database.dataSource());
    expect(await morning.dispatcher.drain()).toBe(1);
    const rows = await Promise.all(outcomes.map((o) => morning.repository.find(o.decisionId, 'card-nudge')));
    expect(rows.map((r) => [r?.customerId, r?.status, r?.lastError])).toEqual([
      ['c-1', 'published', null],
      ['c-2', 'cancelled', 'consent_withdrawn:marketing:push'],
      // This process cannot see that customer's consent: it waits for the owner (here: a minute), never sent blind.
      ['c-elsewhere', 'pending', 'waiting for the partition owner'],
    ]);
    expect(rows[2]!.nextAttemptAtMs).toBe(MORNING + 60_000);
    await morning.close();
  });

  it('cancels a deferred campaign action whose campaign ended during the night', async () => {
    now = EVENING;
    const outcome = decideFor('c-3', ['spring-offer']);
    // The campaign ends at 06:00 UTC, before quiet hours do: not deferred but suppressed.
    expect(outcome.actions).toEqual([]);
    expect(outcome.suppressed.map((s) => s.reasons)).toEqual([['quiet_hours:push']]);
    // A row that waited anyway (e.g. written by an older version) is cancelled at dispatch.
    const outbox = open(database.dataSource());
    const forged = { ...decideFor('c-4', ['card-nudge']), decisionId: 'd-forged' };
    const row = { ...forged, actions: forged.actions.map((a) => ({ ...a, actionId: 'spring-offer', content: { ...a.content, campaignId: 'spring' } })) };
    await outbox.sink.emit([row as DecisionOutcome]);
    now = MORNING;
    await outbox.dispatcher.drain();
    expect((await outbox.repository.find('d-forged', 'spring-offer'))?.status).toBe('cancelled');
    await outbox.close();
  });
});

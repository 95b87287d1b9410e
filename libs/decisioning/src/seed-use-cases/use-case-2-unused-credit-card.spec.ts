import type { FiredTrigger } from '@kairos/triggers';
import { CustomerJourney, DAY, HOUR, T0, actionIds, reasonsOf } from '../testing/decision-test-support';

/** Opens a credit card at T0 (10:00 in Berlin) and returns the journey and the tick time 30 days later. */
function openedCard(customerId: string, grants: readonly string[], journey = new CustomerJourney()) {
  journey.emit(customerId, 'customer_registered', T0 - 400 * DAY, { birthDate: '1990-02-01', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
  journey.emit(customerId, 'product_opened', T0, { product: 'credit_card', productId: `cc-${customerId}`, limit: 3000 });
  for (const grant of grants) journey.consentOf(customerId).grants.add(grant);
  return journey;
}

function onlyFire(fires: readonly FiredTrigger[]): FiredTrigger {
  expect(fires).toHaveLength(1);
  return fires[0];
}

describe('use case 2: a credit card unused 30 days after opening gets a nudge by push or e-mail, where consented', () => {
  it('nudges by push for a push-consented customer and by e-mail for an e-mail-consented one', () => {
    const journey = openedCard('push-only', ['marketing:push']);
    openedCard('email-only', ['marketing:email'], journey);
    const fires = journey.tick(T0 + 30 * DAY);
    expect(fires.map((f) => `${f.triggerId}:${f.customerId}`).sort()).toEqual(['credit-card-unused-30d:email-only', 'credit-card-unused-30d:push-only']);
    const byCustomer = new Map(fires.map((f) => [f.customerId, journey.decideFor(f, T0 + 30 * DAY)]));
    expect(actionIds(byCustomer.get('push-only')!)).toEqual(['credit-card-usage-nudge@push']);
    expect(reasonsOf(byCustomer.get('push-only')!, 'credit-card-usage-nudge')).toEqual(['email:consent_missing:marketing:email']);
    expect(actionIds(byCustomer.get('email-only')!)).toEqual(['credit-card-usage-nudge@email']);
  });

  it('sends nothing without marketing consent on either channel, and says so', () => {
    const journey = openedCard('c1', ['marketing:sms']);
    const outcome = journey.decideFor(onlyFire(journey.tick(T0 + 30 * DAY)), T0 + 30 * DAY)!;
    expect(outcome.actions).toEqual([]);
    expect(reasonsOf(outcome, 'credit-card-usage-nudge')).toEqual(['push:consent_missing:marketing:push', 'email:consent_missing:marketing:email']);
    expect(outcome.counterfactuals).toContainEqual({ feature: 'consent:marketing:push', actual: 'not given', threshold: 'given', wouldResultIn: 'credit-card-usage-nudge allowed on push' });
  });

  it('is cancelled by a credit card transaction on day 29', () => {
    const journey = openedCard('c1', ['marketing:any']);
    journey.emit('c1', 'card_transaction', T0 + 29 * DAY, { cardId: 'cc-c1', product: 'credit_card', amount: 42, currency: 'EUR', merchantCategory: '5812', channel: 'contactless' });
    expect(journey.tick(T0 + 30 * DAY)).toEqual([]);
    expect(journey.tick(T0 + 31 * DAY)).toEqual([]);
    // Without a fire the nudge is not applicable, even on request.
    expect(reasonsOf(journey.decide('c1', ['push'], T0 + 30 * DAY), 'credit-card-usage-nudge')).toEqual(['push:not_applicable:no_trigger']);
  });

  it('prefers push when both are consented, and falls back to e-mail in push quiet hours (22:30 in Berlin)', () => {
    const journey = openedCard('c1', ['marketing:any']);
    const fire = onlyFire(journey.tick(T0 + 30 * DAY + 12.5 * HOUR));
    const evening = journey.decideFor(fire, T0 + 30 * DAY + 12.5 * HOUR)!;
    expect(actionIds(evening)).toEqual(['credit-card-usage-nudge@email']);
    expect(reasonsOf(evening, 'credit-card-usage-nudge')).toEqual(['push:quiet_hours:push']);
    expect(evening.inputs).toContainEqual({ feature: 'local_time', value: '22:30' });
    const morning = journey.decideFor(fire, T0 + 31 * DAY)!;
    expect(actionIds(morning)).toEqual(['credit-card-usage-nudge@push']);
    expect(reasonsOf(morning, 'credit-card-usage-nudge')).toEqual(['email:arbitration:other_channel_chosen']);
  });
});

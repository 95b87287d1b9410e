import fc from 'fast-check';
import { CustomerJourney, DAY, T0, actionIds, reasonsOf } from '../testing/decision-test-support';

function cardHolder(journey: CustomerJourney, customerId: string, daysPastDue: number): void {
  journey.emit(customerId, 'customer_registered', T0 - 900 * DAY, { birthDate: '1985-03-03', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
  journey.emit(customerId, 'product_opened', T0 - 800 * DAY, { product: 'checking_account', productId: `ca-${customerId}` });
  journey.emit(customerId, 'product_opened', T0 - 700 * DAY, { product: 'credit_card', productId: `cc-${customerId}`, limit: 2000 });
  journey.consentOf(customerId).grants.add('marketing:any');
  journey.external.set(customerId, { days_past_due: daysPastDue });
}

const CREDIT_ACTIONS = new Set(['installment-loan-offer', 'credit-limit-increase', 'credit-card-recommendation']);

describe('use case 4: an overdrawn credit card leads to an installment loan or debit card, never more credit in arrears', () => {
  it('recommends the consolidating installment loan and a debit card, and no higher limit, when over the limit', () => {
    const journey = new CustomerJourney();
    cardHolder(journey, 'c1', 0);
    expect(journey.emit('c1', 'balance_changed', T0, { productId: 'cc-c1', product: 'credit_card', balance: -1800 })).toEqual([]);
    const [fire] = journey.emit('c1', 'balance_changed', T0 + DAY, { productId: 'cc-c1', product: 'credit_card', balance: -2150 });
    expect(fire).toMatchObject({ triggerId: 'credit-card-over-limit', evidence: [{ feature: 'credit_card_balance', value: -2150 }, { feature: 'credit_card_limit', value: 2000 }] });
    const outcome = journey.decideFor(fire, T0 + DAY)!;
    expect(actionIds(outcome)).toEqual(['installment-loan-offer@callback', 'debit-card-offer@push']);
    expect(new Set(reasonsOf(outcome, 'credit-limit-increase').map((r) => r.split(':').slice(1).join(':')))).toEqual(new Set(['responsible_lending:over_limit']));
  });

  it('offers only the debit card to a customer in arrears', () => {
    const journey = new CustomerJourney();
    cardHolder(journey, 'c1', 12);
    const [fire] = journey.emit('c1', 'balance_changed', T0, { productId: 'cc-c1', product: 'credit_card', balance: -2300 });
    const outcome = journey.decideFor(fire, T0)!;
    expect(actionIds(outcome)).toEqual(['debit-card-offer@push']);
    expect(reasonsOf(outcome, 'installment-loan-offer')).toContain('email:responsible_lending:in_arrears');
    expect(outcome.inputs).toContainEqual({ feature: 'days_past_due', value: 12 });
  });

  it('property: whatever the balance, limit and arrears, no credit action is offered in arrears and only debt consolidation over the limit', () => {
    let creditOffered = 0;
    fc.assert(
      fc.property(fc.integer({ min: -6000, max: 500 }), fc.integer({ min: 500, max: 5000 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90 })), fc.constantFrom('app', 'email', 'call_center', 'push'), (balance, limit, daysPastDue, channel) => {
        const journey = new CustomerJourney();
        cardHolder(journey, 'c1', daysPastDue);
        journey.emit('c1', 'balance_changed', T0, { productId: 'cc-c1', product: 'credit_card', balance, limit });
        const offered = journey.decide('c1', [channel as 'app'], T0, { limit: 10 }).actions.map((a) => a.actionId);
        if (daysPastDue > 0) expect(offered.filter((id) => CREDIT_ACTIONS.has(id))).toEqual([]);
        if (balance < -limit) expect(offered.filter((id) => CREDIT_ACTIONS.has(id) && id !== 'installment-loan-offer')).toEqual([]);
        if (offered.some((id) => CREDIT_ACTIONS.has(id))) creditOffered++;
      }),
      { numRuns: 150 },
    );
    // Credit is offered when it is responsible, so the checks above are not vacuous.
    expect(creditOffered).toBeGreaterThan(10);
  });
});

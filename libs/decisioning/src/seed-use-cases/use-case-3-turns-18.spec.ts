import { CustomerJourney, DAY, actionIds, reasonsOf } from '../testing/decision-test-support';

const BIRTHDAY_09_00_BERLIN = Date.parse('2026-11-24T08:00:00Z');

function customer(journey: CustomerJourney, customerId: string, withCheckingAccount: boolean): void {
  journey.emit(customerId, 'customer_registered', BIRTHDAY_09_00_BERLIN - 700 * DAY, { birthDate: '2008-11-24', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
  if (withCheckingAccount) journey.emit(customerId, 'product_opened', BIRTHDAY_09_00_BERLIN - 600 * DAY, { product: 'checking_account', productId: `ca-${customerId}` });
  journey.consentOf(customerId).grants.add('marketing:any');
  journey.external.set(customerId, { days_past_due: 0 });
}

describe('use case 3: a checking-account holder turning 18 gets a credit card recommendation', () => {
  it('recommends a credit card to the holder on the birthday, and not to a customer without a checking account', () => {
    const journey = new CustomerJourney();
    customer(journey, 'holder', true);
    customer(journey, 'no-account', false);
    expect(journey.tick(BIRTHDAY_09_00_BERLIN - 1)).toEqual([]);
    const fires = journey.tick(BIRTHDAY_09_00_BERLIN);
    expect(fires.map((f) => f.customerId)).toEqual(['holder', 'no-account']);
    const [holder, other] = fires.map((fire) => journey.decideFor(fire, BIRTHDAY_09_00_BERLIN)!);

    expect(actionIds(holder)).toEqual(['credit-card-recommendation@push']);
    expect(holder.actions[0].factors.contextWeight).toEqual({ value: 3, matched: ['trigger=turns-18 ×3'] });
    expect(holder.inputs).toEqual(
      expect.arrayContaining([
        { feature: 'holds_checking_account', value: true },
        { feature: 'age', value: 18 },
        { feature: 'responsible_lending:in_arrears', value: false },
      ]),
    );
    expect(other.actions).toEqual([]);
    expect(reasonsOf(other, 'credit-card-recommendation')).toEqual(['*:ineligible:holds_checking_account']);
    expect(other.counterfactuals).toContainEqual({ feature: 'holds_checking_account', actual: false, threshold: true, wouldResultIn: 'credit-card-recommendation eligible' });
  });

  it('is not eligible the day before the 18th birthday, when asked directly', () => {
    const journey = new CustomerJourney();
    customer(journey, 'holder', true);
    expect(reasonsOf(journey.decide('holder', ['app'], BIRTHDAY_09_00_BERLIN - 10 * 3_600_000), 'credit-card-recommendation')).toEqual(['*:ineligible:age >= 18']);
    expect(actionIds(journey.decide('holder', ['app'], BIRTHDAY_09_00_BERLIN))).toContain('credit-card-recommendation@app');
  });

  it('fails closed when the arrears signal is unavailable: no credit on a guess', () => {
    const journey = new CustomerJourney();
    customer(journey, 'holder', true);
    journey.external.delete('holder');
    const [fire] = journey.tick(BIRTHDAY_09_00_BERLIN);
    const outcome = journey.decideFor(fire, BIRTHDAY_09_00_BERLIN)!;
    expect(outcome.actions).toEqual([]);
    expect(new Set(reasonsOf(outcome, 'credit-card-recommendation').map((r) => r.split(':').slice(1).join(':')))).toEqual(new Set(['responsible_lending:unknown']));
  });
});

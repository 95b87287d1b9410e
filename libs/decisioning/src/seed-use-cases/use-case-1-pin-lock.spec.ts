import { CustomerJourney, MINUTE, T0, actionIds, reasonsOf } from '../testing/decision-test-support';

const pin = { cardId: 'card-1', atmId: 'atm-7' };

function journeyWithCustomer(): CustomerJourney {
  const journey = new CustomerJourney();
  journey.emit('c1', 'customer_registered', T0 - 900 * 86_400_000, { birthDate: '1980-05-17', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
  return journey;
}

describe('use case 1: three failed PINs lock the card, the IVR offers to unlock it, no letter is mailed', () => {
  it('fires the card-lock trigger on the third failure within ten minutes', () => {
    const journey = journeyWithCustomer();
    expect(journey.emit('c1', 'atm_pin_failed', T0, pin)).toEqual([]);
    expect(journey.emit('c1', 'atm_pin_failed', T0 + MINUTE, pin)).toEqual([]);
    expect(journey.emit('c1', 'atm_pin_failed', T0 + 3 * MINUTE, pin)).toEqual([expect.objectContaining({ triggerId: 'card-lock-after-pin-failures', proposes: ['card-unlock'] })]);
  });

  it('answers the next IVR call with card-unlock first, in the same second and after the lock event arrives', () => {
    const journey = journeyWithCustomer();
    for (const minute of [0, 1, 3]) journey.emit('c1', 'atm_pin_failed', T0 + minute * MINUTE, pin);
    // The same millisecond as the fire: the card host's card_locked event has not arrived yet.
    const immediate = journey.decide('c1', ['ivr'], T0 + 3 * MINUTE);
    expect(immediate.actions[0]).toMatchObject({ rank: 1, actionId: 'card-unlock', channel: 'ivr', reasons: ['eligible', 'trigger:card-lock-after-pin-failures'] });
    expect(immediate.actions[0].factors).toEqual({
      propensity: { value: 0.8, source: 'default', model: null, modelVersion: null },
      value: 40,
      contextWeight: { value: 7.5, matched: ['trigger=card-lock-after-pin-failures ×5', 'channel=ivr ×1.5'] },
      lever: { value: 1, catalog: 1, override: null },
    });
    expect(immediate.actions[0].priority).toBeCloseTo(0.8 * 40 * 7.5);

    journey.emit('c1', 'card_locked', T0 + 3 * MINUTE + 900, { cardId: 'card-1', reason: 'pin_attempts_exceeded' });
    const call = journey.decide('c1', ['ivr'], T0 + 4 * MINUTE);
    expect(actionIds(call)).toEqual(['card-unlock@ivr']);
    expect(call.inputs).toContainEqual({ feature: 'card_locked', value: true });
  });

  it('produces no letter: the fire proposes no outbound action, and the letter is not applicable to PIN locks', () => {
    const journey = journeyWithCustomer();
    let fire;
    for (const minute of [0, 1, 3]) [fire] = journey.emit('c1', 'atm_pin_failed', T0 + minute * MINUTE, pin);
    journey.emit('c1', 'card_locked', T0 + 3 * MINUTE + 900, { cardId: 'card-1', reason: 'pin_attempts_exceeded' });
    expect(journey.decideFor(fire!, T0 + 3 * MINUTE)).toBeNull();
    const letter = journey.decide('c1', ['letter'], T0 + 5 * MINUTE);
    expect(letter.actions).toEqual([]);
    expect(reasonsOf(letter, 'card-locked-letter')).toEqual(['letter:not_applicable:condition']);
    const ivr = journey.decide('c1', ['ivr', 'letter'], T0 + 5 * MINUTE);
    expect(ivr.actions.map((a) => a.channel)).not.toContain('letter');
  });

  it('still mails the letter for a lock the IVR flow does not cover (a fraud lock, no PIN trigger)', () => {
    const journey = journeyWithCustomer();
    journey.emit('c1', 'card_locked', T0, { cardId: 'card-1', reason: 'fraud_suspected' });
    expect(actionIds(journey.decide('c1', ['letter'], T0 + MINUTE))).toEqual(['card-locked-letter@letter']);
    // Without a lock or a PIN trigger there is nothing to unlock.
    const other = new CustomerJourney();
    other.emit('c2', 'login', T0, { channel: 'app' });
    expect(reasonsOf(other.decide('c2', ['ivr'], T0), 'card-unlock')).toEqual(['*:ineligible:card_locked or list contains(triggers, "card-lock-after-pin-failures")']);
  });
});

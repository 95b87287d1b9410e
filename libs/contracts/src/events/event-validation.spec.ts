import { validateIncomingEvent } from './event-validation';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt-1',
    type: 'atm_pin_failed',
    customerId: 'cust-1',
    occurredAt: '2026-11-23T11:59:00Z',
    source: 'atm-network',
    data: { cardId: 'card-9f1', atmId: 'atm-17' },
    ...overrides,
  };
}

describe('validateIncomingEvent', () => {
  it('accepts a valid event and returns its timestamp in ms', () => {
    const result = validateIncomingEvent(event(), NOW);
    expect(result).toEqual(expect.objectContaining({ ok: true, occurredAtMs: Date.parse('2026-11-23T11:59:00Z') }));
  });

  it('names the field and rule of an unknown type', () => {
    const result = validateIncomingEvent(event({ type: 'teleported' }), NOW, undefined, ['events', 3]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toEqual(expect.objectContaining({ path: 'events[3].type', rule: 'invalid_value' }));
  });

  it('rejects wrong data types with the data path', () => {
    const result = validateIncomingEvent(
      event({ type: 'card_transaction', data: { cardId: 'card-1', product: 'credit_card', amount: '12', currency: 'EUR', merchantCategory: '5411', channel: 'pos' } }),
      NOW,
    );
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path: 'data.amount', rule: 'invalid_type' })]);
  });

  it('rejects unknown data fields', () => {
    const result = validateIncomingEvent(event({ data: { cardId: 'card-1', atmId: 'atm-1', pin: '1234' } }), NOW);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path: 'data', rule: 'unrecognized_keys' })]);
  });

  it('requires a customer id or an identifier', () => {
    const { customerId: _omitted, ...anonymous } = event();
    const result = validateIncomingEvent(anonymous, NOW);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path: 'customerId', rule: 'required' })]);
  });

  it('accepts an identifier instead of the customer id', () => {
    const { customerId: _omitted, ...byCard } = event({ identifiers: { cardId: 'card-9f1' } });
    expect(validateIncomingEvent(byCard, NOW).ok).toBe(true);
  });

  it('rejects a timestamp too far in the future', () => {
    const result = validateIncomingEvent(event({ occurredAt: '2026-11-23T12:30:00Z' }), NOW);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path: 'occurredAt', rule: 'not_in_future' })]);
  });

  it('rejects a missing id', () => {
    const { id: _omitted, ...withoutId } = event();
    const result = validateIncomingEvent(withoutId, NOW);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ path: 'id', rule: 'invalid_type' })]);
  });

  it.each(['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', 'card 5500005555555559 used'])(
    'rejects a payment card number (%s) without echoing it',
    (pan) => {
      const result = validateIncomingEvent(event({ data: { cardId: 'card-1', atmId: pan } }), NOW);
      expect(result.ok).toBe(false);
      const issues = !result.ok ? result.issues : [];
      expect(issues).toContainEqual(expect.objectContaining({ path: 'data.atmId', rule: 'no_payment_card_number' }));
      expect(JSON.stringify(issues)).not.toContain('1111');
    },
  );

  it('does not mistake a non-Luhn digit run for a PAN', () => {
    expect(validateIncomingEvent(event({ data: { cardId: 'card-1', atmId: 'atm-4111111111111112' } }), NOW).ok).toBe(true);
  });
});

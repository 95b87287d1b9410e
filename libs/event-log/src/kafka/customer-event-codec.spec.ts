import { CustomerEvent } from '@kairos/contracts';
import { decodeLoggedEvent, encodeCustomerEvent } from './customer-event-codec';

const event: CustomerEvent = {
  id: 'evt-1',
  type: 'card_transaction',
  customerId: 'cust-1',
  occurredAt: '2026-01-01T10:00:00.000Z',
  occurredAtMs: Date.parse('2026-01-01T10:00:00.000Z'),
  receivedAtMs: Date.parse('2026-01-01T10:00:01.000Z'),
  source: 'core-banking',
  data: { cardId: 'card-1', product: 'credit_card', amount: 12.5, currency: 'EUR', merchantCategory: '5411', channel: 'pos' },
};
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('customer event records', () => {
  it('round-trips an event with its place in the log', () => {
    expect(decodeLoggedEvent(Buffer.from(encodeCustomerEvent(event)), 3, 17)).toEqual({ ok: true, value: { partition: 3, offset: 17, event } });
  });

  it.each([
    ['no value', null, 'empty_value'],
    ['broken JSON', bytes('{"id":'), 'invalid_json'],
    ['a JSON string', bytes('"evt"'), 'not_an_object'],
    ['no customer id', bytes({ ...event, customerId: undefined }), 'invalid_event: customerId: required'],
    ['no ingestion stamp', bytes({ ...event, receivedAtMs: undefined }), 'invalid_event: receivedAtMs: required_number'],
    ['a bad amount', bytes({ ...event, data: { ...event.data, amount: 'lots' } }), 'invalid_event: data.amount: invalid_type'],
    ['an extra field', bytes({ ...event, extra: 1 }), 'invalid_event: (root): unrecognized_keys'],
  ])('refuses %s with a reason that names no value', (_, value, reason) => {
    expect(decodeLoggedEvent(value, 0, 0)).toEqual({ ok: false, reason });
  });

  it('judges future skew against the ingestion time, so old logs replay', () => {
    const late = { ...event, occurredAt: '2026-01-01T10:04:00.000Z', occurredAtMs: Date.parse('2026-01-01T10:04:00.000Z') };
    expect(decodeLoggedEvent(bytes(late), 0, 0).ok).toBe(true);
    const tooLate = { ...event, occurredAt: '2026-01-01T10:07:00.000Z', occurredAtMs: Date.parse('2026-01-01T10:07:00.000Z') };
    expect(decodeLoggedEvent(bytes(tooLate), 0, 0)).toEqual({ ok: false, reason: 'invalid_event: occurredAt: not_in_future' });
  });
});

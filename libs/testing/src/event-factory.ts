/** Valid events of the catalog for tests; every call gives a new id unless one is passed. */
let sequence = 0;

export function atmPinFailedEvent(customerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence++;
  return {
    id: `test-evt-${process.pid}-${Date.now().toString(36)}-${sequence}`,
    type: 'atm_pin_failed',
    customerId,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    source: 'atm-network',
    data: { cardId: `card-${customerId}`, atmId: 'atm-1' },
    ...overrides,
  };
}

export function loginEvent(customerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return atmPinFailedEvent(customerId, { type: 'login', source: 'web', data: { channel: 'web' }, ...overrides });
}

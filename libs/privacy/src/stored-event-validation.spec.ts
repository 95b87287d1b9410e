import { randomBytes } from 'node:crypto';
import { fieldContext, sealText } from './sealed-value';
import { validateStoredEvent } from './stored-event-validation';

const key = randomBytes(32);
const seal = (path: string, value: string) => sealText(key, fieldContext('c-1', path), JSON.stringify(value));

function stored(data: Record<string, unknown>): Record<string, unknown> {
  return { id: 'e-1', type: 'customer_registered', customerId: 'c-1', occurredAt: '2026-11-01T10:00:00.000Z', source: 'core-banking', data };
}

describe('validating events as the log stores them', () => {
  const nowMs = Date.parse('2026-11-23T00:00:00Z');

  it('accepts sealed values in personal fields, which the catalog alone would refuse', () => {
    const event = stored({
      birthDate: seal('birthDate', '1987-03-14'),
      country: 'DE',
      language: 'de',
      firstName: seal('firstName', 'x'.repeat(200)),
      contact: { email: seal('contact.email', 'canary-7f3a@example.org') },
    });
    const result = validateStoredEvent(event, nowMs);
    expect(result).toEqual({ ok: true, event, occurredAtMs: Date.parse('2026-11-01T10:00:00.000Z') });
  });

  it('still refuses every other invalid field, and malformed sealed values', () => {
    const result = validateStoredEvent(stored({ birthDate: seal('birthDate', '1987-03-14'), country: 'Germany', language: 'de', contact: { email: 'kx1:???' } }), nowMs);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(['data.contact.email', 'data.country']);
  });

  it('accepts plaintext events written before sealing existed, and names paths under a prefix', () => {
    expect(validateStoredEvent(stored({ birthDate: '1987-03-14', country: 'DE', language: 'de' }), nowMs).ok).toBe(true);
    const result = validateStoredEvent(stored({ birthDate: seal('birthDate', '1987-03-14'), country: 'DE', language: 1 }), nowMs, undefined, ['events', 2]);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['events[2].data.language']);
  });
});

import { randomBytes } from 'node:crypto';
import { SEALED_VALUE_PREFIX, auditContext, fieldContext, isSealedValue, openText, sealText } from './sealed-value';

describe('sealed values', () => {
  const key = randomBytes(32);
  const sealed = sealText(key, fieldContext('c-1', 'firstName'), '"CanaryVorname-7f3a"');

  it('open with the same key, customer and field, and carry no plaintext', () => {
    expect(sealed.startsWith(SEALED_VALUE_PREFIX)).toBe(true);
    expect(isSealedValue(sealed)).toBe(true);
    expect(sealed).not.toContain('Canary');
    expect(openText(key, fieldContext('c-1', 'firstName'), sealed)).toBe('"CanaryVorname-7f3a"');
  });

  it('use a fresh IV each time: equal plaintexts give different ciphertexts', () => {
    expect(sealText(key, fieldContext('c-1', 'firstName'), '"x"')).not.toBe(sealText(key, fieldContext('c-1', 'firstName'), '"x"'));
  });

  it('do not open for another customer, another field, another key or another purpose', () => {
    expect(openText(key, fieldContext('c-2', 'firstName'), sealed)).toBeNull();
    expect(openText(key, fieldContext('c-1', 'lastName'), sealed)).toBeNull();
    expect(openText(randomBytes(32), fieldContext('c-1', 'firstName'), sealed)).toBeNull();
    expect(openText(key, auditContext('c-1'), sealed)).toBeNull();
  });

  it('do not open once any byte of iv, ciphertext or tag is flipped', () => {
    const body = Buffer.from(sealed.slice(SEALED_VALUE_PREFIX.length), 'base64');
    for (let i = 0; i < body.length; i++) {
      const tampered = Buffer.from(body);
      tampered[i] ^= 0x01;
      expect(openText(key, fieldContext('c-1', 'firstName'), SEALED_VALUE_PREFIX + tampered.toString('base64'))).toBeNull();
    }
  });

  it('do not open when cut short or malformed', () => {
    expect(openText(key, fieldContext('c-1', 'firstName'), sealed.slice(0, -8))).toBeNull();
    expect(openText(key, fieldContext('c-1', 'firstName'), 'kx1:not base64!')).toBeNull();
    expect(isSealedValue('kx1:AAAA')).toBe(false);
    expect(isSealedValue('anna@example.org')).toBe(false);
    expect(isSealedValue(42)).toBe(false);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The wire form of a sealed value: `kx1:` + base64(iv | ciphertext | tag), AES-256-GCM with a 96-bit random IV.
 * The version prefix lets a later format (or key scheme) coexist with this one in an immutable log.
 */
export const SEALED_VALUE_PREFIX = 'kx1:';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A sealed value of this size seals ~3 KB of plaintext: far above any personal field of the catalog. */
export const MAX_SEALED_VALUE_LENGTH = 4_096;
const SEALED_VALUE_PATTERN = /^kx1:[A-Za-z0-9+/]+={0,2}$/;
const MIN_SEALED_VALUE_LENGTH = SEALED_VALUE_PREFIX.length + Math.ceil((IV_BYTES + TAG_BYTES) / 3) * 4;

/** True for a string shaped like a sealed value (format only: whether it opens needs the key). */
export function isSealedValue(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= MIN_SEALED_VALUE_LENGTH &&
    value.length <= MAX_SEALED_VALUE_LENGTH &&
    value.startsWith(SEALED_VALUE_PREFIX) &&
    SEALED_VALUE_PATTERN.test(value)
  );
}

/**
 * Associated data of a sealed event field: it binds the ciphertext to its customer and field, so a sealed value
 * copied into another customer's event, or into another field, fails to open instead of revealing its content.
 */
export function fieldContext(subject: string, path: string): string {
  return `kairos.field.v1\u0000${subject}\u0000${path}`;
}

/** Associated data of personal data the audit trail keeps about a subject (PersonalDataCipher). */
export function auditContext(subject: string): string {
  return `kairos.audit.v1\u0000${subject}`;
}

export function sealText(key: Uint8Array, context: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return SEALED_VALUE_PREFIX + body.toString('base64');
}

/** The plaintext, or null when the value is malformed, tampered with, or sealed for another key or context. */
export function openText(key: Uint8Array, context: string, sealed: string): string | null {
  if (!isSealedValue(sealed)) return null;
  const body = Buffer.from(sealed.slice(SEALED_VALUE_PREFIX.length), 'base64');
  if (body.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

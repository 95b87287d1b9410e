import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { KairosError } from '@kairos/contracts';

export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/**
 * A short public fingerprint of the key-encryption key, stored next to every wrapped key: a process started with
 * another master key fails with a clear message instead of an authentication error deep in a fold.
 */
export function masterKeyId(masterKey: Uint8Array): string {
  return createHmac('sha256', masterKey).update('kairos.kek-id.v1').digest('hex').slice(0, 16);
}

function wrapContext(subject: string): Buffer {
  return Buffer.from(`kairos.dek.v1\u0000${subject}`, 'utf8');
}

/** iv | wrapped key | tag. The subject is associated data: a wrapped key row moved to another subject will not unwrap. */
export function wrapDataKey(masterKey: Uint8Array, subject: string, dataKey: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(wrapContext(subject));
  return Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
}

export function unwrapDataKey(masterKey: Uint8Array, subject: string, wrapped: Uint8Array): Buffer {
  const bytes = Buffer.from(wrapped);
  if (bytes.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES) throw new KairosError('INTERNAL', 'a stored data key has the wrong length');
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(wrapContext(subject));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new KairosError('INTERNAL', 'a stored data key does not unwrap with the master key (tampered row or wrong KAIROS_MASTER_KEY)');
  }
}

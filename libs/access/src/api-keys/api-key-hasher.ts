import { createHmac, randomBytes } from 'node:crypto';

/**
 * The pepper of development mode. It is public on purpose (it is in the source): keys hashed with it are only as
 * secret as the database. Production must set KAIROS_API_KEY_PEPPER; the access module refuses to start otherwise.
 */
export const DEV_API_KEY_PEPPER = 'kairos-development-pepper-not-a-secret';

export const API_KEY_PREFIX = 'kairos_';
/** `kairos_` + 32 random bytes in base64url (43 characters). */
const ISSUED_KEY_PATTERN = /^kairos_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function isIssuedKeyFormat(candidate: string): boolean {
  return ISSUED_KEY_PATTERN.test(candidate);
}

/**
 * HMAC-SHA256 under a server-side pepper. Keys carry 256 random bits, so a fast keyed hash is enough (no bcrypt
 * needed), and the pepper means a leaked table alone cannot even confirm a guessed key.
 */
export class ApiKeyHasher {
  constructor(private readonly pepper: string) {
    if (pepper.length < 16) throw new Error('the API key pepper must be at least 16 characters');
  }

  hash(plaintext: string): string {
    return createHmac('sha256', this.pepper).update(plaintext, 'utf8').digest('base64url');
  }
}

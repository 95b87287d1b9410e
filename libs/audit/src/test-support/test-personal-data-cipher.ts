import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PersonalDataCipher } from '../audit-record';

/** AES-256-GCM with one random key per subject, forgotten on `erase`: crypto-shredding in miniature, for tests. */
export class TestPersonalDataCipher implements PersonalDataCipher {
  private readonly keys = new Map<string, Buffer>();

  async seal(subject: string, plaintext: string): Promise<string> {
    let key = this.keys.get(subject);
    if (key === undefined) {
      key = randomBytes(32);
      this.keys.set(subject, key);
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  async open(subject: string, sealed: string): Promise<string | null> {
    const key = this.keys.get(subject);
    if (key === undefined) return null;
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }

  erase(subject: string): void {
    this.keys.delete(subject);
  }
}

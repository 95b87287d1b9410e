/**
 * Specs only: a stand-in for the crypto-shredding cipher of @kairos/privacy. Values are sealed per subject (not
 * encrypted: base64 behind the `kx1:` prefix), and `shred` makes a subject's values unopenable, like a destroyed key.
 */
import type { PersonalDataCipher } from '@kairos/audit';

export class SubjectBoundTestCipher implements PersonalDataCipher {
  private readonly shredded = new Set<string>();

  async seal(subject: string, plaintext: string): Promise<string> {
    return `kx1:${Buffer.from(JSON.stringify([subject, plaintext])).toString('base64')}`;
  }

  async open(subject: string, sealed: string): Promise<string | null> {
    if (this.shredded.has(subject) || !sealed.startsWith('kx1:')) return null;
    const [owner, plaintext] = JSON.parse(Buffer.from(sealed.slice(4), 'base64').toString('utf8')) as [string, string];
    return owner === subject ? plaintext : null;
  }

  shred(subject: string): void {
    this.shredded.add(subject);
  }
}

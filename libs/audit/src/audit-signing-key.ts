import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The Ed25519 key that signs checkpoints. It lives in a file the database never sees (KAIROS_AUDIT_SIGNING_KEY_FILE),
 * so someone who can rewrite the audit tables still cannot produce a checkpoint the verifier accepts.
 */
export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/** Identifies a public key in checkpoints: SHA-256 of its SubjectPublicKeyInfo (DER), first 16 bytes as hex. */
export function auditKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 32);
}

/**
 * Reads the PKCS#8 PEM private key at `file`. With `createIfMissing` (embedded development) a new key is generated
 * first, written with mode 0600 so only the service user can read it.
 */
export function loadAuditSigningKey(file: string, options: { createIfMissing?: boolean } = {}): AuditSigningKey {
  if (!existsSync(file)) {
    if (!options.createIfMissing) throw new Error(`the audit signing key file ${file} does not exist`);
    writeNewKey(file);
  }
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key in ${file} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: auditKeyId(publicKey) };
}

/** The public key a verifier trusts, from a PEM file (SPKI) or the PEM text itself. */
export function loadAuditPublicKey(pemOrFile: string): KeyObject {
  const pem = pemOrFile.includes('-----BEGIN') ? pemOrFile : readFileSync(pemOrFile, 'utf8');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the audit public key is not an Ed25519 key');
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

function writeNewKey(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Written aside, then linked into place: another process starting at the same moment either sees no key or a
  // complete one, and a key that exists is never overwritten (its checkpoints would stop verifying).
  const draft = `${file}.${process.pid}.tmp`;
  const fd = openSync(draft, 'w', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
}

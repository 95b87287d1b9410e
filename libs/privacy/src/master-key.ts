import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KairosError } from '@kairos/contracts';
import { DATA_KEY_BYTES } from './data-key';

/** File name of the generated key-encryption key in the embedded data directory. */
export const MASTER_KEY_FILE = 'master.key';

/**
 * Parses a base64 key-encryption key (KAIROS_MASTER_KEY). The error never contains the value: it is a secret.
 */
export function parseMasterKey(base64: string): Buffer {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== DATA_KEY_BYTES) {
    throw new KairosError('VALIDATION_FAILED', `the master key must be ${DATA_KEY_BYTES} random bytes in base64`, [
      { path: 'KAIROS_MASTER_KEY', rule: 'base64_32_bytes', message: `expected ${DATA_KEY_BYTES} bytes in base64 (openssl rand -base64 32)` },
    ]);
  }
  return key;
}

/**
 * The embedded mode's key-encryption key: read from `<dataDir>/master.key`, or generated there on first start with
 * mode 0600. It never enters the database, so a copy of kairos.db alone cannot open personal data. Losing this
 * file loses every sealed field: back it up separately from the data (and set KAIROS_MASTER_KEY in production).
 */
export function loadOrCreateMasterKey(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    return readMasterKeyFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(DATA_KEY_BYTES);
  let fd: number;
  try {
    // O_EXCL: two processes starting at once cannot both generate a key; the loser reads the winner's.
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readMasterKeyFile(path);
    throw error;
  }
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dataDir);
  return key;
}

function readMasterKeyFile(path: string): Buffer {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KairosError('INTERNAL', `${MASTER_KEY_FILE} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return parseMasterKey(readFileSync(path, 'utf8'));
}

/** The new file's directory entry must be durable too, or a power cut could lose the key of already sealed data. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file itself is synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

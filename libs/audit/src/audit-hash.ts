import { hash } from 'node:crypto';

/** SHA-256 as 64 lowercase hex digits. One-shot `crypto.hash` avoids a Hash object per record on the hot paths. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** The `prevHash` of the first record of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

export const SHA256_HEX = /^[0-9a-f]{64}$/;

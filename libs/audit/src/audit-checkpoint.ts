import { sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ChainHead } from './audit-chain';
import { SHA256_HEX } from './audit-hash';
import type { AuditSigningKey } from './audit-signing-key';
import { canonicalJson } from './canonical-json';
import { merkleRootOfHeads } from './merkle-tree';

/**
 * A signed statement "at this moment the chains ended at these records", one NDJSON line in a file outside the
 * database. With it the verifier catches what hash links alone cannot: a truncated tail and a chain rewritten with
 * recomputed hashes.
 */
export interface AuditCheckpoint {
  readonly version: 1;
  /** 1, 2, 3, … in file order: a missing, repeated or reordered line shows as a jump. */
  readonly number: number;
  readonly issuedAtMs: number;
  readonly keyId: string;
  /** Every non-empty chain's head, in ascending chain order. */
  readonly heads: readonly ChainHead[];
  /** RFC 6962 Merkle root over the heads (see merkle-tree.ts). */
  readonly root: string;
  /** Ed25519 over the canonical JSON of every other member, base64. */
  readonly signature: string;
}

const headSchema = z.strictObject({
  chain: z.number().int().min(0).max(1_000_000),
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(SHA256_HEX),
});

export const auditCheckpointSchema = z.strictObject({
  version: z.literal(1),
  number: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  issuedAtMs: z.number().int().min(0),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  heads: z.array(headSchema).max(100_000),
  root: z.string().regex(SHA256_HEX),
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});

export function issueCheckpoint(options: { number: number; issuedAtMs: number; heads: readonly ChainHead[]; key: AuditSigningKey }): AuditCheckpoint {
  const heads = [...options.heads]
    .sort((a, b) => a.chain - b.chain)
    .map((head) => ({ chain: head.chain, sequence: head.sequence, hash: head.hash }));
  const statement = { version: 1 as const, number: options.number, issuedAtMs: options.issuedAtMs, keyId: options.key.keyId, heads, root: merkleRootOfHeads(heads) };
  const signature = sign(null, Buffer.from(canonicalJson(statement), 'utf8'), options.key.privateKey).toString('base64');
  return { ...statement, signature };
}

/** Whether the signature is the trusted key's over everything else in the checkpoint. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint, trustedKey: KeyObject): boolean {
  const { signature, ...statement } = checkpoint;
  try {
    return verify(null, Buffer.from(canonicalJson(statement), 'utf8'), trustedKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

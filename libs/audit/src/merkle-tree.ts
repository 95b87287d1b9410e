import { createHash } from 'node:crypto';
import type { ChainHead } from './audit-chain';

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/**
 * The Merkle Tree Hash of RFC 6962 (Certificate Transparency) over the chain heads, in chain order: leaves are
 * SHA-256(0x00 ‖ "chain:sequence:hash"), inner nodes SHA-256(0x01 ‖ left ‖ right), splitting at the largest power
 * of two below n. The domain-separation prefixes keep a leaf from passing as an inner node.
 */
export function merkleRootOfHeads(heads: readonly ChainHead[]): string {
  return merkleRoot(heads.map(headLeaf)).toString('hex');
}

export function headLeaf(head: ChainHead): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(`${head.chain}:${head.sequence}:${head.hash}`, 'utf8').digest();
}

export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  return subtreeRoot(leaves, 0, leaves.length);
}

function subtreeRoot(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return leaves[from];
  let split = 1;
  while (split * 2 < n) split *= 2;
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(subtreeRoot(leaves, from, from + split))
    .update(subtreeRoot(leaves, from + split, to))
    .digest();
}

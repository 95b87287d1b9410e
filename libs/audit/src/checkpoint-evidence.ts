import type { KeyObject } from 'node:crypto';
import type { ChainHead } from './audit-chain';
import { auditCheckpointSchema, checkpointSignatureValid, type AuditCheckpoint } from './audit-checkpoint';
import { auditKeyId } from './audit-signing-key';
import { merkleRootOfHeads } from './merkle-tree';

export type CheckpointProblemReason =
  | 'malformed_line'
  | 'unknown_key'
  | 'bad_signature'
  | 'root_mismatch'
  | 'heads_not_in_chain_order'
  | 'out_of_order'
  | 'time_went_backwards'
  | 'head_went_backwards'
  | 'head_forked';

export interface CheckpointProblem {
  readonly line: number;
  readonly reason: CheckpointProblemReason;
}

/** Per chain, every (sequence, hash) some checkpoint vouches for, ascending and without repeats. */
export interface ChainProofs {
  readonly sequences: number[];
  readonly hashes: string[];
}

export interface CheckpointEvidence {
  readonly checkpoints: number;
  readonly proofs: ReadonlyMap<number, ChainProofs>;
  /** Heads of the newest checkpoint: records after them are linked but not yet signed. */
  readonly latestHeads: readonly ChainHead[];
}

/**
 * Reads the external checkpoint file line by line and accepts it only if every line is a well-formed checkpoint signed
 * by the trusted key, with a root that matches its heads, numbered 1, 2, 3, … and with heads that never go backwards
 * (a head at the same sequence must keep its hash). Every check is made; none is skipped because an earlier one
 * passed — the "proof not fully checked" class of bug.
 */
export async function readCheckpointEvidence(
  lines: AsyncIterable<{ readonly lineNumber: number; readonly text: string }>,
  trustedKey: KeyObject,
): Promise<CheckpointEvidence | CheckpointProblem> {
  const trustedKeyId = auditKeyId(trustedKey);
  const proofs = new Map<number, ChainProofs>();
  let previous: AuditCheckpoint | undefined;
  let count = 0;
  for await (const { lineNumber, text } of lines) {
    const checkpoint = parseCheckpoint(text);
    if (checkpoint === null) return { line: lineNumber, reason: 'malformed_line' };
    const problem = checkpointProblem(checkpoint, previous, trustedKey, trustedKeyId);
    if (problem !== null) return { line: lineNumber, reason: problem };
    for (const head of checkpoint.heads) addProof(proofs, head);
    previous = checkpoint;
    count++;
  }
  return { checkpoints: count, proofs, latestHeads: previous?.heads ?? [] };
}

export function isCheckpointProblem(value: CheckpointEvidence | CheckpointProblem): value is CheckpointProblem {
  return 'reason' in value;
}

function parseCheckpoint(text: string): AuditCheckpoint | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = auditCheckpointSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function checkpointProblem(checkpoint: AuditCheckpoint, previous: AuditCheckpoint | undefined, trustedKey: KeyObject, trustedKeyId: string): CheckpointProblemReason | null {
  if (checkpoint.keyId !== trustedKeyId) return 'unknown_key';
  if (!checkpointSignatureValid(checkpoint, trustedKey)) return 'bad_signature';
  if (merkleRootOfHeads(checkpoint.heads) !== checkpoint.root) return 'root_mismatch';
  for (let i = 1; i < checkpoint.heads.length; i++) {
    if (checkpoint.heads[i].chain <= checkpoint.heads[i - 1].chain) return 'heads_not_in_chain_order';
  }
  if (checkpoint.number !== (previous?.number ?? 0) + 1) return 'out_of_order';
  if (previous === undefined) return null;
  if (checkpoint.issuedAtMs < previous.issuedAtMs) return 'time_went_backwards';
  const current = new Map(checkpoint.heads.map((head) => [head.chain, head]));
  for (const before of previous.heads) {
    const now = current.get(before.chain);
    if (now === undefined || now.sequence < before.sequence) return 'head_went_backwards';
    if (now.sequence === before.sequence && now.hash !== before.hash) return 'head_forked';
  }
  return null;
}

function addProof(proofs: Map<number, ChainProofs>, head: ChainHead): void {
  let chain = proofs.get(head.chain);
  if (chain === undefined) {
    chain = { sequences: [], hashes: [] };
    proofs.set(head.chain, chain);
  }
  // Heads never go backwards (checked above), so appending keeps the list ascending; an unchanged head is one proof.
  if (chain.sequences[chain.sequences.length - 1] === head.sequence) return;
  chain.sequences.push(head.sequence);
  chain.hashes.push(head.hash);
}

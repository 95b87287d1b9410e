import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditCheckpointFile,
  AuditCheckpointer,
  AuditJournal,
  AuditVerifier,
  loadAuditSigningKey,
  type AuditRecordDraft,
  type AuditRecordStore,
  type AuditSigningKey,
  type PersonalDataCipher,
} from '@kairos/audit';

/** Personal data "sealed" as base64 and never erased: these suites test the chain, not crypto-shredding. */
export const transparentCipher: PersonalDataCipher = {
  seal: async (_subject, plaintext) => Buffer.from(plaintext, 'utf8').toString('base64'),
  open: async (_subject, sealed) => Buffer.from(sealed, 'base64').toString('utf8'),
};

/** A journal, checkpointer and verifier over one store, with a fresh signing key and checkpoint directory. */
export function auditKit(store: AuditRecordStore, partitionCount: number, options: { directory?: string; checkpointEveryRecords?: number } = {}) {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'kairos-audit-kit-'));
  const key: AuditSigningKey = loadAuditSigningKey(join(directory, 'audit-signing.pem'), { createIfMissing: true });
  const file = new AuditCheckpointFile(join(directory, 'checkpoints'));
  const checkpointer = new AuditCheckpointer({ store, key, file });
  const journal = new AuditJournal({ store, cipher: transparentCipher, partitionCount, checkpointer, checkpointEveryRecords: options.checkpointEveryRecords ?? 1_000_000, checkpointEveryMs: 0 });
  const verifier = (pageSize?: number) => new AuditVerifier({ store, trustedPublicKey: key.publicKey, checkpoints: file, pageSize });
  /** Closes the journal and removes the key and checkpoint directory. */
  const dispose = async () => {
    await journal.close();
    rmSync(directory, { recursive: true, force: true });
  };
  return { directory, key, file, checkpointer, journal, verifier, dispose };
}

/** A small decision record, varied by `n`, about `subject` (null: about no customer, on the system chain). */
export function smallDecision(n: number, subject: string | null = `c-${n % 7}`): AuditRecordDraft {
  return {
    kind: n % 5 === 0 ? 'action_suppressed' : 'decision_served',
    actor: { type: 'component', component: 'decisioning', version: '1.0.0' },
    ...(subject === null ? {} : { subject }),
    decisionId: `d-${n}`,
    inputs: [{ feature: 'txn_count_30d', value: n }],
    output: { offerId: `offer-${n % 3}`, nested: { id: `x-${n}`, kind: 'trap' } },
    reasons: ['rule_matched:offers:r1'],
    occurredAtMs: 1_795_000_000_000 + n * 1_000,
  };
}

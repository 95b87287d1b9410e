import { join } from 'node:path';
import {
  AuditCheckpointFile,
  AuditCheckpointer,
  AuditJournal,
  AuditVerifier,
  loadAuditPublicKey,
  loadAuditSigningKey,
  type AuditTrail,
  type PersonalDataCipher,
} from '@kairos/audit';
import type { Logger } from '@kairos/observability';
import { auditRecordRepository } from '@kairos/persistence';
import type { DataSource } from 'typeorm';
import { AuditLogService } from './audit-log.service';

export interface AuditLogOptions {
  readonly database: DataSource;
  /** The seal for personal data in records (crypto-shredding, @kairos/privacy). */
  readonly cipher: PersonalDataCipher;
  /** Event-log partitions (KAIROS_PARTITIONS): one chain per partition plus the system chain. */
  readonly partitionCount: number;
  /** Ed25519 private key, PKCS#8 PEM (KAIROS_AUDIT_SIGNING_KEY_FILE). Keep it where the database's users cannot read. */
  readonly signingKeyFile: string;
  /** Embedded development: generate the key (mode 0600) when the file does not exist. Never in production. */
  readonly createSigningKey?: boolean;
  /** Where the external checkpoint file lives (KAIROS_AUDIT_CHECKPOINT_DIR); shared by every writer of the database. */
  readonly checkpointDir: string;
  /** The public key the verifier trusts (SPKI PEM). Default: derived from the signing key. */
  readonly trustedPublicKeyFile?: string;
  /**
   * Whether this process signs checkpoints (default true). In a distributed deployment exactly one process does —
   * or all share one checkpoint directory — so the checkpoints form one numbered sequence.
   */
  readonly issuesCheckpoints?: boolean;
  readonly checkpointEveryRecords?: number;
  readonly checkpointEveryMs?: number;
  readonly logger?: Logger;
}

export interface AuditLog {
  /** What decisioning, consent, DSR and the access guard append to. */
  readonly trail: AuditTrail;
  readonly journal: AuditJournal;
  readonly service: AuditLogService;
  readonly verifier: AuditVerifier;
  /** Flushes queued records, signs a last checkpoint and stops the store's writer thread. */
  close(): Promise<void>;
}

/** Defaults for an embedded process: key and checkpoints beside the SQLite file, in the data directory. */
export function embeddedAuditPaths(dataDir: string): { signingKeyFile: string; checkpointDir: string } {
  return { signingKeyFile: join(dataDir, 'audit', 'audit-signing-key.pem'), checkpointDir: join(dataDir, 'audit', 'checkpoints') };
}

/** Builds the audit log of a process: store, journal with group commit and signed checkpoints, verifier, service. */
export function openAuditLog(options: AuditLogOptions): AuditLog {
  const store = auditRecordRepository(options.database);
  const key = loadAuditSigningKey(options.signingKeyFile, { createIfMissing: options.createSigningKey ?? false });
  const file = new AuditCheckpointFile(options.checkpointDir);
  const journal = new AuditJournal({
    store,
    cipher: options.cipher,
    partitionCount: options.partitionCount,
    checkpointer: options.issuesCheckpoints === false ? undefined : new AuditCheckpointer({ store, key, file }),
    checkpointEveryRecords: options.checkpointEveryRecords,
    checkpointEveryMs: options.checkpointEveryMs,
    logger: options.logger,
  });
  const trustedPublicKey = options.trustedPublicKeyFile ? loadAuditPublicKey(options.trustedPublicKeyFile) : key.publicKey;
  const verifier = new AuditVerifier({ store, trustedPublicKey, checkpoints: file });
  const service = new AuditLogService({ store, verifier, cipher: options.cipher });
  // The store's writer thread (SQLite) ends after the journal wrote what was queued; reads keep working.
  const close = async () => {
    await journal.close();
    await store.close?.();
  };
  return { trail: journal, journal, service, verifier, close };
}

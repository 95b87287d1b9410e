import { issueCheckpoint, type AuditCheckpoint } from './audit-checkpoint';
import type { AuditCheckpointFile } from './audit-checkpoint-file';
import type { AuditRecordStore } from './audit-record-store';
import type { AuditSigningKey } from './audit-signing-key';
import { canonicalJson } from './canonical-json';

export interface AuditCheckpointerOptions {
  readonly store: AuditRecordStore;
  readonly key: AuditSigningKey;
  readonly file: AuditCheckpointFile;
  readonly clock?: () => number;
}

/**
 * Signs the current heads of every chain and publishes the checkpoint: first to the external file (the evidence),
 * then to the audit_checkpoints table, both under the store's checkpoint lock so that checkpoints from several
 * processes are numbered and ordered consistently.
 */
export class AuditCheckpointer {
  private readonly clock: () => number;

  constructor(private readonly options: AuditCheckpointerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async checkpoint(): Promise<AuditCheckpoint> {
    let issued: AuditCheckpoint | undefined;
    await this.options.store.appendCheckpoint((heads) => {
      const previous = this.previous();
      issued = issueCheckpoint({
        number: (previous?.number ?? 0) + 1,
        // Never before the previous one, even if this machine's clock is behind another writer's.
        issuedAtMs: Math.max(this.clock(), previous?.issuedAtMs ?? 0),
        heads,
        key: this.options.key,
      });
      const line = canonicalJson(issued);
      this.options.file.append(line);
      return { number: issued.number, issuedAtMs: issued.issuedAtMs, keyId: issued.keyId, root: issued.root, line };
    });
    return issued!;
  }

  private previous(): { number: number; issuedAtMs: number } | undefined {
    const line = this.options.file.lastLine();
    if (line === null) return undefined;
    const parsed = JSON.parse(line) as { number?: unknown; issuedAtMs?: unknown };
    if (typeof parsed.number !== 'number' || typeof parsed.issuedAtMs !== 'number') throw new Error('the last checkpoint line is malformed');
    return { number: parsed.number, issuedAtMs: parsed.issuedAtMs };
  }
}

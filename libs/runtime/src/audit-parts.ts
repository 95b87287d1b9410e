import type { PersonalDataCipher } from '@kairos/audit';
import { ConfigurationError, KairosConfig } from '@kairos/config';
import { AuditLog, embeddedAuditPaths, openAuditLog } from '@kairos/governance';
import type { Logger } from '@kairos/observability';
import type { DataSource } from 'typeorm';

/** The audit log of a process, from its settings: signing key and checkpoints outside the database. */
export function openAudit(config: KairosConfig, database: DataSource, cipher: PersonalDataCipher, logger: Logger, issuesCheckpoints: boolean): AuditLog {
  const defaults = embeddedAuditPaths(config.dataDir);
  try {
    return openAuditLog({
      database,
      cipher,
      partitionCount: config.partitions,
      signingKeyFile: config.auditSigningKeyFile ?? defaults.signingKeyFile,
      // Outside development the key must be provisioned (and backed up) deliberately, never conjured on first start.
      createSigningKey: config.nodeEnv !== 'production',
      checkpointDir: config.auditCheckpointDir ?? defaults.checkpointDir,
      issuesCheckpoints,
      checkpointEveryMs: config.auditCheckpointEveryMs,
      logger: logger.child({ component: 'audit-journal' }),
    });
  } catch (error) {
    if (error instanceof Error && /signing key/.test(error.message)) throw new ConfigurationError('KAIROS_AUDIT_SIGNING_KEY_FILE', error.message);
    throw error;
  }
}

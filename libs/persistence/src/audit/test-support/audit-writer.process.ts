/**
 * One audit writer process for the A3 test: appends records `w<writer>-<n>` for n in [from, to) with a few appends
 * in flight, prints `ack <n>` once each append resolved (durable), and signs checkpoints as it goes. The test kills it
 * with SIGKILL at random points and starts it again.
 */
import { AuditCheckpointFile, AuditCheckpointer, AuditJournal, loadAuditSigningKey } from '@kairos/audit';
import { createDataSource, type StorageTarget } from '../../data-source';
import { auditRecordRepository } from '../audit-record.repository';
import { smallDecision, transparentCipher } from './audit-test-kit';

async function main(): Promise<void> {
  const target = JSON.parse(process.env.AUDIT_TARGET!) as StorageTarget;
  const writer = process.env.AUDIT_WRITER!;
  const from = Number(process.env.AUDIT_FROM);
  const to = Number(process.env.AUDIT_TO);
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  const store = auditRecordRepository(dataSource);
  const checkpointer = new AuditCheckpointer({ store, key: loadAuditSigningKey(process.env.AUDIT_KEY_FILE!), file: new AuditCheckpointFile(process.env.AUDIT_CHECKPOINT_DIR!) });
  const journal = new AuditJournal({ store, cipher: transparentCipher, partitionCount: Number(process.env.AUDIT_PARTITIONS), checkpointer, checkpointEveryRecords: 500, checkpointEveryMs: 0 });

  let next = from;
  const lane = async () => {
    while (next < to) {
      const n = next++;
      await journal.append({ ...smallDecision(n, n % 9 === 0 ? null : `c-${writer}-${n % 13}`), decisionId: `w${writer}-${n}` });
      process.stdout.write(`ack ${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: 12 }, lane));
  await journal.close();
  await dataSource.destroy();
  process.stdout.write('done\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`writer failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

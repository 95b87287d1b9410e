/**
 * The embedded stack an erasure runs through, for the erasure specs only: the application database, the embedded
 * event log, ingestion that seals, the partition worker that opens, and the erasure service. Logs are captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordDraft, AuditReceipt, AuditTrail } from '@kairos/audit';
import { DEFAULT_EVENT_VALIDATION_POLICY, partitionForCustomer } from '@kairos/contracts';
import { PartitionWorker } from '@kairos/customer-state';
import { EmbeddedEventLog, type LogConsumer } from '@kairos/event-log';
import { IngestionService } from '@kairos/ingestion';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { CustomerKeyRepository, ErasureRepository, IdentityRepository, PartitionSnapshotRepository, openDatabase } from '@kairos/persistence';
import { CustomerKeyring, PersonalDataOpener, PersonalDataSealer, loadOrCreateMasterKey } from '@kairos/privacy';
import { defaultFeatureRegistry } from '@kairos/profile';
import { freshStorageTarget } from '@kairos/testing';
import type { DataSource } from 'typeorm';
import { CustomerErasureService, type CustomerErasureOptions } from './customer-erasure.service';

export const CANARY = {
  firstName: 'CanaryVorname-7f3a',
  lastName: 'CanaryNachname-7f3a',
  email: 'canary-7f3a@example.org',
  phone: '+4915557003731',
  birthDate: '1961-07-03',
} as const;

export const PARTITIONS = 4;

/** Records audit drafts; `failNext` makes the next append fail as an unavailable trail would. */
export class RecordingAuditTrail implements AuditTrail {
  readonly drafts: AuditRecordDraft[] = [];
  failNext = 0;

  async append(draft: AuditRecordDraft): Promise<AuditReceipt> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('audit store unavailable');
    }
    this.drafts.push(draft);
    return { id: `audit-${this.drafts.length}`, chain: 0, sequence: this.drafts.length, hash: 'h'.repeat(64) };
  }
}

export interface ErasureStack {
  readonly dataDir: string;
  readonly database: DataSource;
  readonly log: EmbeddedEventLog;
  readonly keyring: CustomerKeyring;
  readonly opener: PersonalDataOpener;
  readonly ingestion: IngestionService;
  readonly worker: PartitionWorker;
  readonly erasure: CustomerErasureService;
  readonly erasures: ErasureRepository;
  readonly audit: RecordingAuditTrail;
  /** Every log line any component wrote, as pino JSON. */
  readonly logs: string[];
  /** Starts the partition worker (started by default; `startWorker: false` leaves snapshot rewrites pending). */
  startWorker(): Promise<void>;
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

export async function openErasureStack(
  dialect: 'sqlite' | 'postgres',
  options: CustomerErasureOptions & { readonly startWorker?: boolean } = {},
): Promise<ErasureStack> {
  const storage = freshStorageTarget(dialect);
  const dataDir = storage.target.dialect === 'sqlite' ? storage.target.dataDir : mkdtempSync(join(tmpdir(), 'kairos-erasure-log-'));
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const metrics = new KairosMetrics({ collectProcessMetrics: false });
  const database = await openDatabase(storage.target);
  const log = await EmbeddedEventLog.open({ dataDir, partitionCount: PARTITIONS, synchronous: 'normal' });
  const keyring = new CustomerKeyring(new CustomerKeyRepository(database), loadOrCreateMasterKey(dataDir));
  const opener = new PersonalDataOpener(keyring);
  const erasures = new ErasureRepository(database);
  const ingestion = new IngestionService(log, new IdentityRepository(database), metrics, logger, DEFAULT_EVENT_VALIDATION_POLICY, Date.now, new PersonalDataSealer(keyring));
  const worker = new PartitionWorker({
    registry: defaultFeatureRegistry(),
    snapshots: new PartitionSnapshotRepository(database),
    metrics,
    logger,
    snapshotEveryEvents: 100_000,
    snapshotEveryMs: 60_000,
    opener,
    erasedSnapshots: erasures,
  });
  let consumer: LogConsumer | undefined;
  const startWorker = async () => {
    consumer = await log.consume('erasure-test', worker);
    worker.attach(consumer);
  };
  if (options.startWorker !== false) await startWorker();
  const audit = new RecordingAuditTrail();
  const erasure = new CustomerErasureService(log, keyring, erasures, audit, logger, { snapshotWaitMs: 10_000, pollIntervalMs: 20, ...options });
  return {
    dataDir,
    database,
    log,
    keyring,
    opener,
    ingestion,
    worker,
    erasure,
    erasures,
    audit,
    logs,
    startWorker,
    async caughtUp() {
      const deadline = Date.now() + 20_000;
      while (!consumer || [...(await consumer.lag()).values()].some((lag) => lag > 0)) {
        if (Date.now() > deadline) throw new Error('the worker did not catch up');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await worker.stop();
      await consumer?.stop();
      await log.close();
      if (storage.target.dialect === 'postgres') await database.query(`DROP SCHEMA "${storage.target.schema}" CASCADE`);
      await database.destroy();
      storage.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A customer_registered event carrying every canary value. */
export function canaryRegistration(customerId: string, id = `reg-${customerId}`): Record<string, unknown> {
  return {
    id,
    type: 'customer_registered',
    customerId,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    source: 'core-banking',
    data: {
      birthDate: CANARY.birthDate,
      country: 'DE',
      language: 'de',
      firstName: CANARY.firstName,
      lastName: CANARY.lastName,
      contact: { email: CANARY.email, phone: CANARY.phone },
    },
  };
}

export function partitionOf(customerId: string): number {
  return partitionForCustomer(customerId, PARTITIONS);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule, InMemoryApiKeyStore } from '@kairos/access';
import type { AuditReceipt, AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { PurposeRegistry, loadPurposeRegistryFile } from '@kairos/consent';
import { KairosError } from '@kairos/contracts';
import { PartitionWorker } from '@kairos/customer-state';
import { EmbeddedEventLog, LogConsumer } from '@kairos/event-log';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { ConsentLedgerRepository, PartitionSnapshotRepository } from '@kairos/persistence';
import { defaultFeatureRegistry } from '@kairos/profile';
import { useFreshDatabase } from '@kairos/testing';
import { ConsentGate } from './consent-gate.service';
import { ConsentLedgerService } from './consent-ledger.service';
import { ConsentModule } from './consent.module';
import { PartitionWorkerAppliedOffsets, PartitionWorkerConsentStates } from './partition-worker-consent.adapter';

/**
 * The audit trail port recording drafts in memory (the hash-chained trail is the audit module's; its own suites
 * prove durability). `unavailable` makes appends fail the way the real trail does when its store is down.
 */
export class RecordingAuditTrail implements AuditTrail {
  readonly drafts: AuditRecordDraft[] = [];
  unavailable = false;

  async append(draft: AuditRecordDraft): Promise<AuditReceipt> {
    if (this.unavailable) throw new KairosError('AUDIT_UNAVAILABLE', 'audit trail unavailable (test)', [], 1);
    this.drafts.push(draft);
    return { id: `audit-${this.drafts.length}`, chain: 0, sequence: this.drafts.length, hash: '0'.repeat(64) };
  }

  of(kind: AuditRecordDraft['kind']): AuditRecordDraft[] {
    return this.drafts.filter((draft) => draft.kind === kind);
  }
}

/** The platform's error mapping in small: KairosError → `{ error, message, issues }` with the code's status. */
@Catch()
class ErrorBodyFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse();
    if (exception instanceof KairosError) {
      reply.status(exception.status).send({ error: exception.code, message: exception.message, issues: exception.issues });
    } else if (exception instanceof HttpException) {
      reply.status(exception.getStatus()).send({ error: `HTTP_${exception.getStatus()}`, message: exception.message });
    } else {
      reply.status(500).send({ error: 'INTERNAL', message: 'unexpected' });
    }
  }
}

export interface ConsentHarness {
  readonly baseUrl: string;
  readonly app: NestFastifyApplication;
  readonly worker: PartitionWorker;
  readonly log: EmbeddedEventLog;
  readonly ledger: ConsentLedgerRepository;
  readonly consents: ConsentLedgerService;
  readonly gate: ConsentGate;
  readonly audit: RecordingAuditTrail;
  readonly registry: PurposeRegistry;
  /** A JSON request over the socket with a demo API key (default: the DPO's). */
  request(method: string, path: string, body?: unknown, apiKey?: string | null): Promise<{ status: number; body: Record<string, unknown> }>;
}

export const HARNESS_PARTITIONS = 4;

/**
 * A real consent stack for one suite: a fresh SQLite database (ledger, snapshots), the embedded event log in a
 * temporary directory, a PartitionWorker consuming it, the consent module bound to them with the in-process
 * adapters, and a Nest/Fastify app with the access guard listening on a real socket.
 */
export function useConsentHarness(options: { readonly enforcementTimeoutMs?: number } = {}): () => ConsentHarness {
  const database = useFreshDatabase('sqlite');
  let harness: ConsentHarness;
  let consumer: LogConsumer;
  let logDir: string;

  beforeAll(async () => {
    const dataSource = database.dataSource();
    logDir = mkdtempSync(join(tmpdir(), 'kairos-consent-log-'));
    const log = await EmbeddedEventLog.open({ dataDir: logDir, partitionCount: HARNESS_PARTITIONS, synchronous: 'normal' });
    const logger = createLogger({ level: 'silent' });
    const worker = new PartitionWorker({
      registry: defaultFeatureRegistry(),
      snapshots: new PartitionSnapshotRepository(dataSource),
      metrics: new KairosMetrics({ collectProcessMetrics: false }),
      logger,
      snapshotEveryEvents: 1_000_000,
      snapshotEveryMs: 3_600_000,
    });
    consumer = await log.consume('consent-suite', worker);
    worker.attach(consumer);
    const audit = new RecordingAuditTrail();
    const ledger = new ConsentLedgerRepository(dataSource);
    const registry = loadPurposeRegistryFile();

    @Module({
      imports: [
        AccessModule.forRoot({ apiKeyStore: new InMemoryApiKeyStore(), devMode: true, pepper: 'consent-suite-pepper-0123456789' }),
        ConsentModule.register({
          ledger,
          log,
          applied: new PartitionWorkerAppliedOffsets(worker),
          states: new PartitionWorkerConsentStates(worker, HARNESS_PARTITIONS),
          audit,
          registry,
          logger,
          enforcementTimeoutMs: options.enforcementTimeoutMs,
        }),
      ],
    })
    class ConsentSuiteModule {}

    const app = await NestFactory.create<NestFastifyApplication>(ConsentSuiteModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ErrorBodyFilter());
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    harness = {
      baseUrl,
      app,
      worker,
      log,
      ledger,
      consents: app.get(ConsentLedgerService),
      gate: app.get(ConsentGate),
      audit,
      registry,
      async request(method, path, body, apiKey = 'demo-dpo') {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      },
    };
  });

  afterAll(async () => {
    await harness?.app.close();
    await harness?.worker.stop();
    await consumer?.stop();
    await harness?.log.close();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  return () => harness;
}

/** A valid consent change body (the fields of `consent_changed` without consentId). */
export function consentChange(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    purpose: 'marketing',
    channel: 'email',
    status: 'given',
    method: 'app',
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    noticeId: 'privacy-notice',
    noticeVersion: '2.1',
    evidenceRef: 'ev-1',
    ...overrides,
  };
}

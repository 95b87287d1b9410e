import { KairosConfig } from '@kairos/config';
import { DEFAULT_EVENT_VALIDATION_POLICY } from '@kairos/contracts';
import { EventTraceService, PartitionWorker, ProfileQueryService } from '@kairos/customer-state';
import { EventLog, KafkaSourceConsumer, LogConsumer } from '@kairos/event-log';
import { IngestionService } from '@kairos/ingestion';
import { KairosMetrics, Logger } from '@kairos/observability';
import { ApiKeyRepository, CustomerEventIndexRepository, EventIndexRepository, IdentityRepository, PartitionSnapshotRepository } from '@kairos/persistence';
import { FeatureRegistry } from '@kairos/profile';
import { scoringFeatureRegistry } from '@kairos/scoring';
import type { DataSource } from 'typeorm';
import { AuditDataSource, type AuditLog } from '@kairos/governance';
import type { Cluster } from '@kairos/cluster';
import { openAudit } from './audit-parts';
import { openClusterParts } from './cluster-parts';
import { DecisionModules, TriggerOverrides, closeDecisionModules, openDecisionModules, startDecisionModules } from './decision-modules';
import type { DecisioningParts, DecisioningPorts } from './decisioning-parts';
import { GovernanceParts, openGovernance } from './governance-parts';
import { openEventLog } from './open-event-log';
import { openStorage } from './open-storage';
import { PrivacyParts, openPrivacy } from './privacy-parts';

/** What differs between process roles when the runtime is built. */
export interface RuntimeOpenOptions {
  /**
   * Whether this process signs audit checkpoints and runs the retention job: exactly one process of a deployment
   * does (the embedded platform, or the governance service), so checkpoints form one numbered sequence.
   */
  readonly governs?: boolean;
  /** Ports other modules supply to the decision core (scores, rules, triggers, contacts, campaigns, forwarder, sink). */
  readonly decisioning?: DecisioningPorts;
  /** The trigger runtime's clock, audit trail, decision maker and sink, where a test or an embedding sets its own. */
  readonly triggers?: TriggerOverrides;
}

/** Event ids remembered per partition in Kafka mode to drop duplicate records (about 1 MB per partition). */
const KAFKA_DEDUPE_WINDOW = 20_000;

/**
 * Everything a Kairos process runs, built from its configuration. Every process role composes the same parts;
 * only the adapters differ (embedded log + SQLite, or Kafka + PostgreSQL) and whether it owns partitions.
 */
export class KairosRuntime {
  private consumer: LogConsumer | undefined;
  private sourceConsumer: KafkaSourceConsumer | undefined;
  private releasing: Promise<void> | undefined;

  private constructor(
    readonly config: KairosConfig,
    readonly logger: Logger,
    readonly metrics: KairosMetrics,
    readonly database: DataSource,
    readonly log: EventLog,
    readonly registry: FeatureRegistry,
    readonly apiKeys: ApiKeyRepository,
    readonly identities: IdentityRepository,
    readonly worker: PartitionWorker,
    readonly ingestion: IngestionService,
    readonly profiles: ProfileQueryService,
    readonly traces: EventTraceService,
    readonly privacy: PrivacyParts,
    readonly audit: AuditLog,
    readonly governance: GovernanceParts,
    /** Partition ownership across processes: who serves which customers, forwarding to the owner (R3, D4). */
    readonly cluster: Cluster,
    private readonly governs: boolean,
  ) {}

  private decisionModules: DecisionModules | undefined;

  /** Scoring, rules, campaigns, outbox, decision core and triggers of this process (built by `open`). */
  get modules(): DecisionModules {
    if (!this.decisionModules) throw new Error('the decision modules are opened by KairosRuntime.open');
    return this.decisionModules;
  }

  get decisioning(): DecisioningParts {
    return this.modules.decisioning;
  }

  static async open(config: KairosConfig, logger: Logger, metrics = new KairosMetrics(), options: RuntimeOpenOptions = {}): Promise<KairosRuntime> {
    const governs = options.governs ?? true;
    const database = await openStorage(config);
    let audit: AuditLog | undefined;
    let runtime: KairosRuntime;
    try {
      const privacy = openPrivacy(config, database);
      audit = openAudit(config, database, privacy.keyring, logger, governs);
      const log = await openEventLog(config, new EventIndexRepository(database), logger, new CustomerEventIndexRepository(database));
      // The serving registry folds the features the shipped models read, so scores come from live profiles.
      const registry = scoringFeatureRegistry({ lateToleranceMs: config.lateEventToleranceMs });
      const identities = new IdentityRepository(database);
      const worker = new PartitionWorker({
        registry,
        snapshots: new PartitionSnapshotRepository(database),
        metrics,
        logger: logger.child({ component: 'partition-worker' }),
        snapshotEveryEvents: config.snapshotEveryEvents,
        snapshotEveryMs: config.snapshotEveryMs,
        dedupeWindow: config.kafkaBrokers ? KAFKA_DEDUPE_WINDOW : 0,
        opener: privacy.opener,
        erasedSnapshots: privacy.erasures,
      });
      const ingestion = new IngestionService(
        log,
        identities,
        metrics,
        logger.child({ component: 'ingestion' }),
        { ...DEFAULT_EVENT_VALIDATION_POLICY, maxFutureSkewMs: config.maxFutureSkewMs },
        Date.now,
        privacy.sealer,
      );
      const profiles = new ProfileQueryService(worker, config.partitions);
      const governance = openGovernance({ config, database, log, worker, profiles, audit: audit.journal, privacy, logger });
      governance.addExportSource(new AuditDataSource(audit.service));
      runtime = new KairosRuntime(
        config,
        logger,
        metrics,
        database,
        log,
        registry,
        new ApiKeyRepository(database),
        identities,
        worker,
        ingestion,
        profiles,
        new EventTraceService(log, identities, worker),
        privacy,
        audit,
        governance,
        openClusterParts({ config, database, logger, worker }),
        governs,
      );
    } catch (error) {
      await audit?.close();
      await database.destroy();
      throw error;
    }
    try {
      runtime.decisionModules = await openDecisionModules(runtime, options.decisioning, options.triggers);
    } catch (error) {
      await runtime.close();
      throw error;
    }
    return runtime;
  }

  /** Joins the consumer group and starts folding the owned partitions (restore from snapshot, then replay). */
  async startWorker(): Promise<void> {
    this.consumer = await this.log.consume(this.config.consumerGroup, this.cluster.handlerFor(this.worker));
    this.worker.attach(this.consumer);
    // An erasure interrupted by a crash is finished by the process that owns the partitions.
    void this.governance.erasure.resumeIncomplete().catch((error: Error) => this.logger.warn({ err: error.message }, 'resuming interrupted erasures failed'));
    if (this.governs) this.governance.retention.start();
    if (this.decisionModules) await startDecisionModules(this.decisionModules);
    const lagTimer = setInterval(() => void this.reportLag(), 5_000);
    lagTimer.unref();
  }

  /**
   * Kafka mode: reads the source topic that upstream producers write envelopes to, through the same ingestion path
   * as HTTP (invalid messages go to its dead-letter topic). The embedded mode has no source topic.
   */
  async startSourceConsumer(): Promise<void> {
    if (!this.config.kafkaBrokers) return;
    this.sourceConsumer = await KafkaSourceConsumer.start({
      brokers: this.config.kafkaBrokers.split(','),
      clientId: 'kairos-ingestion',
      topic: this.config.sourceTopic,
      partitionCount: this.config.partitions,
      validationPolicy: { maxFutureSkewMs: this.config.maxFutureSkewMs },
      logger: this.logger.child({ component: 'source-consumer' }),
      ingest: async (events) => {
        await this.ingestion.ingest(events, []);
      },
    });
  }

  /** Readiness of the partition worker: false while a partition is held at a batch that keeps failing. */
  workerHealth(): { ok: boolean; detail: string } {
    const failing = this.consumer?.failingPartitions?.() ?? new Map<number, string>();
    if (failing.size === 0) return { ok: true, detail: `${this.worker.ownedPartitions().length} partitions applied without errors` };
    return { ok: false, detail: `partitions ${[...failing.keys()].join(', ')} are retrying a batch that failed` };
  }

  async consumerLag(): Promise<ReadonlyMap<number, number>> {
    return this.consumer ? this.consumer.lag() : new Map();
  }

  /**
   * Leaves the consumer group and hands the partitions over while the HTTP server still answers: requests for this
   * process's customers are then forwarded to the new owners instead of meeting a closed socket or a 503 (D4).
   * `close()` runs it too; calling both is safe.
   */
  releasePartitions(): Promise<void> {
    this.releasing ??= this.release();
    return this.releasing;
  }

  async close(): Promise<void> {
    await this.releasePartitions();
    await this.log.close();
    await this.audit.close();
    if (this.database.isInitialized) await this.database.destroy();
  }

  private async release(): Promise<void> {
    await this.sourceConsumer?.stop();
    await this.governance.retention.stop();
    if (this.decisionModules) await closeDecisionModules(this, this.decisionModules);
    await this.worker.stop();
    await this.consumer?.stop();
    // After the consumer: the final handover offset of each partition is published as the claims are dropped.
    await this.cluster.stop();
  }

  private async reportLag(): Promise<void> {
    for (const [partition, lag] of await this.consumerLag()) this.metrics.consumerLag.set({ partition: String(partition) }, lag);
  }
}

import { LoggedEvent } from '@kairos/contracts';
import { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigners } from 'kafkajs';
import { LogConsumer, PartitionConsumerHandler } from '../event-log.port';
import { retryWhileActive } from './consumer-retry';
import { decodeLoggedEvent } from './customer-event-codec';
import { DeadLetterWriter } from './dead-letter-writer';
import { KafkaLogger, logUnavailable } from './kafka-connection';
import { stickyPartitionAssigner } from './sticky-partition-assigner';

export interface KafkaLogConsumerOptions {
  readonly topic: string;
  readonly groupId: string;
  readonly deadLetters: DeadLetterWriter;
  readonly logger: KafkaLogger;
  /** A member silent this long is dropped from the group, ms (default 10000). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Partitions handled at once; each partition's batches stay strictly sequential (default 1). */
  readonly partitionsConsumedConcurrently?: number;
  readonly maxBytesPerPartition?: number;
  readonly onStopped?: (consumer: KafkaLogConsumer) => void;
}

/** Counters for tests and metrics. */
export interface KafkaLogConsumerStats {
  readonly delivered: number;
  readonly deadLettered: number;
}

/**
 * A consumer-group member delivering customer events to a partition owner.
 *
 * Positions come from the handler, not from Kafka: on every assignment (kafkajs rebalances eagerly and restarts
 * kept partitions at their committed offsets) each owned partition is sought to the handler's next offset, batches
 * fetched before that seek are dropped, and records below the expected offset are skipped. Committed offsets only
 * shorten what a new owner would otherwise re-read and skip.
 *
 * Nothing is resolved (nothing moves the fetch position) before it was delivered or dead-lettered; a handler or
 * dead-letter failure is retried with backoff on the same record until it succeeds or the partition moves away.
 */
export class KafkaLogConsumer implements LogConsumer {
  private readonly owned = new Set<number>();
  /** Next offset to deliver, per owned partition. */
  private readonly positions = new Map<number, number>();
  private settling: Promise<void> = Promise.resolve();
  private assignmentsPending = 0;
  /**
   * Counts applied assignments. A batch delivered across a reassignment (a rebalance that revoked and gave back the
   * partition while the handler ran) must not move the position the new assignment set: the records it delivered
   * went to the state the revoke released, and the new assignment re-reads them from the handler's offset.
   */
  private assignmentEpoch = 0;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private counters = { delivered: 0, deadLettered: 0 };

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly handler: PartitionConsumerHandler,
    private readonly options: KafkaLogConsumerOptions,
  ) {}

  static async start(kafka: Kafka, admin: Admin, handler: PartitionConsumerHandler, options: KafkaLogConsumerOptions): Promise<KafkaLogConsumer> {
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    // The member advertises the partitions it holds state for, so a rebalance moves only what it must (sticky);
    // round robin stays as the protocol every member shares while an older version is still in the group.
    let held: () => readonly number[] = () => [];
    const consumer = kafka.consumer({
      partitionAssigners: [stickyPartitionAssigner((topic) => (topic === options.topic ? held() : [])), PartitionAssigners.roundRobin],
      groupId: options.groupId,
      sessionTimeout,
      heartbeatInterval: options.heartbeatIntervalMs ?? Math.max(500, Math.floor(sessionTimeout / 5)),
      maxWaitTimeInMs: 500,
      maxBytesPerPartition: options.maxBytesPerPartition,
      allowAutoTopicCreation: false,
    });
    const self = new KafkaLogConsumer(consumer, admin, handler, options);
    held = () => self.assignedPartitions();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => self.onGroupJoin(payload.memberAssignment[options.topic] ?? []));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      options.logger.error({ groupId: options.groupId, restart: payload.restart, error: String(payload.error) }, 'event-log consumer crashed');
      // kafkajs gives up on non-retriable errors: this process owns nothing any more.
      if (!payload.restart) self.onGroupJoin([]);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => self.onBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw logUnavailable('consume', error);
    }
    return self;
  }

  assignedPartitions(): readonly number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  stats(): KafkaLogConsumerStats {
    return { ...this.counters };
  }

  async commit(partition: number, nextOffset: number): Promise<void> {
    if (!this.owned.has(partition) || this.stopping) return;
    try {
      await this.consumer.commitOffsets([{ topic: this.options.topic, partition, offset: String(nextOffset) }]);
    } catch (error) {
      // A commit racing a rebalance is refused by the coordinator; the next owner reads from the snapshot anyway.
      if (isRebalanceError(error)) return;
      throw logUnavailable('commit', error);
    }
  }

  async lag(): Promise<ReadonlyMap<number, number>> {
    let offsets;
    try {
      offsets = await this.admin.fetchTopicOffsets(this.options.topic);
    } catch (error) {
      throw logUnavailable('lag', error);
    }
    const lag = new Map<number, number>();
    for (const { partition, high } of offsets) {
      const position = this.positions.get(partition);
      if (this.owned.has(partition) && position !== undefined) lag.set(partition, Math.max(0, Number(high) - position));
    }
    return lag;
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect().catch((error) => this.options.logger.warn({ error: String(error) }, 'consumer disconnect failed'));
    await this.settling;
    const owned = this.assignedPartitions();
    this.owned.clear();
    this.positions.clear();
    this.options.onStopped?.(this);
    if (owned.length > 0) await this.handler.onRevoked(owned);
  }

  private onGroupJoin(partitions: readonly number[]): void {
    const next = new Set(partitions);
    this.assignmentsPending++;
    this.settling = this.settling
      .then(() => this.applyAssignment(next))
      .catch((error) => this.options.logger.error({ error: String(error) }, 'applying a partition assignment failed'))
      .finally(() => this.assignmentsPending--);
  }

  private async applyAssignment(next: ReadonlySet<number>): Promise<void> {
    if (this.stopping) return;
    this.assignmentEpoch++;
    const revoked = [...this.owned].filter((p) => !next.has(p));
    const added = [...next].filter((p) => !this.owned.has(p));
    const isActive = () => !this.stopping;
    const noHeartbeat = async () => undefined;
    if (revoked.length > 0) {
      for (const p of revoked) {
        this.owned.delete(p);
        this.positions.delete(p);
      }
      await retryWhileActive(() => this.handler.onRevoked(revoked), {
        isActive,
        heartbeat: noHeartbeat,
        onFailure: (error, attempt) => this.options.logger.error({ partitions: revoked, attempt, error: String(error) }, 'onRevoked failed'),
      });
    }
    if (added.length > 0) {
      await retryWhileActive(
        async () => {
          const offsets = await this.handler.onAssigned(added);
          for (const p of added) {
            const offset = offsets.get(p) ?? 0;
            if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`onAssigned gave partition ${p} an invalid offset`);
            this.positions.set(p, offset);
          }
          for (const p of added) this.owned.add(p);
        },
        {
          isActive,
          heartbeat: noHeartbeat,
          onFailure: (error, attempt) => this.options.logger.error({ partitions: added, attempt, error: String(error) }, 'onAssigned failed'),
        },
      );
    }
    if (this.stopping) return;
    for (const partition of this.owned) {
      this.consumer.seek({ topic: this.options.topic, partition, offset: String(this.positions.get(partition)) });
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    await this.untilSettled(heartbeat);
    // Stale: a seek is pending for this partition, so this batch was fetched from an earlier position.
    if (this.stopping || isStale() || !this.owned.has(partition)) return;

    const epoch = this.assignmentEpoch;
    const isActive = () => isRunning() && !isStale() && !this.stopping && this.owned.has(partition) && epoch === this.assignmentEpoch;
    let pending: LoggedEvent[] = [];
    let lastPendingOffset = '';
    const deliver = async (): Promise<boolean> => {
      const records = pending;
      pending = [];
      const delivered = await retryWhileActive(() => this.handler.onRecords(partition, records), {
        isActive,
        heartbeat,
        onFailure: (error, attempt) => this.options.logger.error({ partition, attempt, error: String(error) }, 'onRecords failed; retrying'),
      });
      // Reassigned meanwhile: the new assignment's position stands (see assignmentEpoch).
      if (!delivered || epoch !== this.assignmentEpoch) return false;
      this.advance(partition, lastPendingOffset, resolveOffset);
      this.counters.delivered += records.length;
      return true;
    };

    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (offset < (this.positions.get(partition) ?? 0)) {
        // Already delivered (re-read after a rebalance raced a batch): move the fetch position past it, or
        // kafkajs would fetch the same records again and again.
        resolveOffset(message.offset);
        continue;
      }
      const decoded = decodeLoggedEvent(message.value, partition, offset);
      if (decoded.ok) {
        pending.push(decoded.value);
        lastPendingOffset = message.offset;
        continue;
      }
      if (pending.length > 0 && !(await deliver())) return;
      if (!(await this.deadLetter(partition, message, decoded.reason, isActive, heartbeat))) return;
      if (epoch !== this.assignmentEpoch) return;
      this.advance(partition, message.offset, resolveOffset);
    }
    if (pending.length > 0 && !(await deliver())) return;
    await heartbeat();
  }

  private async deadLetter(
    partition: number,
    message: KafkaMessage,
    reason: string,
    isActive: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const written = await retryWhileActive(
      () => this.options.deadLetters.write({ sourceTopic: this.options.topic, sourcePartition: partition, message, reason }),
      {
        isActive,
        heartbeat,
        onFailure: (error, attempt) =>
          this.options.logger.error(
            { partition, offset: message.offset, attempt, dlq: this.options.deadLetters.topic, error: String(error) },
            'dead-letter write failed; the partition waits on this record',
          ),
      },
    );
    if (written) {
      this.counters.deadLettered++;
      this.options.logger.warn({ partition, offset: message.offset, reason }, 'record dead-lettered');
    }
    return written;
  }

  private advance(partition: number, offset: string, resolveOffset: (offset: string) => void): void {
    resolveOffset(offset);
    this.positions.set(partition, Number(offset) + 1);
  }

  /** Waits for assignment handling to finish, heartbeating meanwhile (onAssigned may load snapshots for a while). */
  private async untilSettled(heartbeat: () => Promise<void>): Promise<void> {
    while (this.assignmentsPending > 0) {
      const current = this.settling;
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        current.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
      ]);
      clearTimeout(timer);
      if (!settled) await heartbeat();
    }
  }
}

const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR']);

/**
 * The coordinator refused because the group moved on. kafkajs hands the protocol error over as it is, or — once
 * its retrier gave up on it as not retriable — wrapped in a KafkaJSNonRetriableError whose `cause` is the original.
 */
export function isRebalanceError(error: unknown): boolean {
  for (let e = error as { type?: string; cause?: unknown } | null | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && REBALANCE_ERRORS.has(e.type)) return true;
  }
  return false;
}

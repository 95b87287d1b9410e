import {
  CompiledEventValidator,
  DEFAULT_EVENT_VALIDATION_POLICY,
  ERROR_CODES,
  EventValidationPolicy,
  IncomingEvent,
  KairosError,
  ValidationIssue,
} from '@kairos/contracts';
import { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { retryWhileActive } from './consumer-retry';
import { DecodeResult, describeIssues, parseJson } from './customer-event-codec';
import { DeadLetterWriter } from './dead-letter-writer';
import { createKafkaClient, ensureTopic, KafkaConnectionOptions, KafkaLogger, logUnavailable, SILENT_KAFKA_LOGGER } from './kafka-connection';

export const DEFAULT_SOURCE_EVENTS_TOPIC = 'kairos.source-events';

/** The ingestion service: binds events to customers and appends them; dedupes by event id. */
export type IngestSourceEvents = (events: readonly IncomingEvent[]) => Promise<void>;

export interface KafkaSourceConsumerOptions extends KafkaConnectionOptions {
  readonly ingest: IngestSourceEvents;
  readonly topic?: string;
  /** Default `<topic>.dlq`. */
  readonly deadLetterTopic?: string;
  readonly groupId?: string;
  /** Partitions of the source topic when this consumer creates it (default 12). */
  readonly partitionCount?: number;
  /** Create missing topics at start-up (default true). */
  readonly createTopics?: boolean;
  readonly validationPolicy?: EventValidationPolicy;
  readonly sessionTimeoutMs?: number;
  readonly clock?: () => number;
}

export interface KafkaSourceConsumerStats {
  readonly ingestedEvents: number;
  readonly deadLettered: number;
}

interface AcceptedMessage {
  readonly message: KafkaMessage;
  readonly events: readonly IncomingEvent[];
}

/**
 * Reads events that upstream systems publish to the source topic — one envelope per message, or
 * `{ "events": [...] }` exactly as the HTTP API takes it — validates them like the HTTP edge does, hands valid
 * ones to ingestion and copies refused messages to the dead-letter topic with the reason. A message is taken or
 * refused whole, as an HTTP batch is. Offsets are committed only after ingestion resolved (at-least-once).
 */
export class KafkaSourceConsumer {
  private readonly logger: KafkaLogger;
  private readonly clock: () => number;
  private counters = { ingestedEvents: 0, deadLettered: 0 };
  private readonly validator = new CompiledEventValidator();
  private stopRequested = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly options: KafkaSourceConsumerOptions,
    private readonly topic: string,
    private readonly admin: Admin,
    private readonly consumer: Consumer,
    private readonly deadLetters: DeadLetterWriter,
  ) {
    this.logger = options.logger ?? SILENT_KAFKA_LOGGER;
    this.clock = options.clock ?? Date.now;
  }

  static async start(options: KafkaSourceConsumerOptions): Promise<KafkaSourceConsumer> {
    const topic = options.topic ?? DEFAULT_SOURCE_EVENTS_TOPIC;
    const kafka = createKafkaClient(options);
    const admin = kafka.admin();
    const deadLetters = new DeadLetterWriter(kafka, options.deadLetterTopic ?? `${topic}.dlq`, options.clock);
    const consumer = kafka.consumer({
      groupId: options.groupId ?? 'kairos-ingestion',
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: Math.max(500, Math.floor((options.sessionTimeoutMs ?? 10_000) / 5)),
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    const self = new KafkaSourceConsumer(options, topic, admin, consumer, deadLetters);
    try {
      await admin.connect();
      if (options.createTopics !== false) {
        await ensureTopic(admin, { topic, partitions: options.partitionCount ?? 12 });
        await ensureTopic(admin, { topic: deadLetters.topic, partitions: 1 });
      }
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => self.onBatch(payload) });
    } catch (error) {
      await self.stop().catch(() => undefined);
      throw error instanceof KairosError ? error : logUnavailable('source consumer start', error);
    }
    return self;
  }

  stats(): KafkaSourceConsumerStats {
    return { ...this.counters };
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    this.stopping ??= (async () => {
      await this.consumer.disconnect().catch(() => undefined);
      await this.deadLetters.close().catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    })();
    return this.stopping;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const partition = batch.partition;
    const context = (what: string) => ({
      isActive: () => isRunning() && !isStale() && !this.stopRequested,
      heartbeat,
      onFailure: (error: unknown, attempt: number) => this.logger.error({ partition, attempt, error: String(error) }, `${what} failed; retrying`),
    });

    const accepted: AcceptedMessage[] = [];
    const nowMs = this.clock();
    for (const message of batch.messages) {
      const decoded = this.decode(message.value, nowMs);
      if (decoded.ok) accepted.push({ message, events: decoded.value });
      else if (!(await retryWhileActive(() => this.deadLetter(partition, message, decoded.reason), context('dead-letter write')))) return;
    }
    if (accepted.length > 0 && !(await retryWhileActive(() => this.ingestAll(partition, accepted), context('ingestion')))) return;

    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    try {
      await this.consumer.commitOffsets([{ topic: this.topic, partition, offset: String(Number(last) + 1) }]);
    } catch (error) {
      // Not fatal: the batch is ingested; a new owner re-reads it and ingestion answers duplicates.
      this.logger.warn({ partition, error: String(error) }, 'committing source offsets failed');
    }
    await heartbeat();
  }

  private decode(value: Buffer | null, nowMs: number): DecodeResult<readonly IncomingEvent[]> {
    const parsed = parseJson(value);
    if (!parsed.ok) return parsed;
    const body = parsed.value;
    const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
    if (!isBatch) {
      const result = this.validator.validate(body, nowMs, this.policy(), []);
      return result.ok ? { ok: true, value: [result.event] } : { ok: false, reason: `invalid_event: ${describeIssues(result.issues)}` };
    }
    const { events, ...rest } = body as { events: unknown };
    if (Object.keys(rest).length > 0) return { ok: false, reason: 'invalid_body: only "events" is allowed beside the list' };
    if (!Array.isArray(events) || events.length === 0) return { ok: false, reason: 'invalid_body: events must be a non-empty list' };
    const valid: IncomingEvent[] = [];
    const issues: ValidationIssue[] = [];
    for (let i = 0; i < events.length; i++) {
      const result = this.validator.validate(events[i], nowMs, this.policy(), ['events', i]);
      if (result.ok) valid.push(result.event);
      else issues.push(...result.issues);
    }
    return issues.length === 0 ? { ok: true, value: valid } : { ok: false, reason: `invalid_event: ${describeIssues(issues)}` };
  }

  private policy(): EventValidationPolicy {
    return this.options.validationPolicy ?? DEFAULT_EVENT_VALIDATION_POLICY;
  }

  /**
   * One ingestion call for the whole batch; when ingestion refuses it as the caller's fault (a user error such as
   * an unknown customer identifier), each message is retried alone so only the refused ones are dead-lettered.
   * Operational errors propagate and the whole batch is retried: ingestion dedupes by event id.
   */
  private async ingestAll(partition: number, accepted: readonly AcceptedMessage[]): Promise<void> {
    const all = accepted.length === 1 ? accepted[0].events : accepted.flatMap((a) => a.events);
    try {
      await this.options.ingest(all);
      this.counters.ingestedEvents += all.length;
      return;
    } catch (error) {
      if (!isUserError(error)) throw error;
    }
    for (const { message, events } of accepted) {
      try {
        await this.options.ingest(events);
        this.counters.ingestedEvents += events.length;
      } catch (error) {
        if (!isUserError(error)) throw error;
        const refusal = error as KairosError;
        await this.deadLetter(partition, message, `ingest_refused: ${refusal.code}${refusal.issues.length > 0 ? ` ${describeIssues(refusal.issues)}` : ''}`);
      }
    }
  }

  private async deadLetter(partition: number, message: KafkaMessage, reason: string): Promise<void> {
    await this.deadLetters.write({ sourceTopic: this.topic, sourcePartition: partition, message, reason });
    this.counters.deadLettered++;
    this.logger.warn({ partition, offset: message.offset, reason }, 'source message dead-lettered');
  }
}

function isUserError(error: unknown): error is KairosError {
  return error instanceof KairosError && ERROR_CODES[error.code].kind === 'user';
}

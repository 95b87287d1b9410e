import { CustomerEvent, KairosError, LoggedEvent, partitionForCustomer } from '@kairos/contracts';
import { Admin, Kafka } from 'kafkajs';
import {
  AppendOutcome,
  CustomerEventLocator,
  EventIdIndex,
  EventLocation,
  EventLog,
  LogConsumer,
  LogHealth,
  LogRetentionReport,
  LogRetentionRequest,
  PartitionConsumerHandler,
} from '../event-log.port';
import { encodeCustomerEvent } from './customer-event-codec';
import { DeadLetterWriter } from './dead-letter-writer';
import { GroupCommitProducer, OutgoingRecord } from './group-commit-producer';
import { createKafkaClient, ensureTopic, KafkaConnectionOptions, KafkaLogger, logUnavailable, SILENT_KAFKA_LOGGER, sleep } from './kafka-connection';
import { KafkaLogConsumer, KafkaLogConsumerOptions } from './kafka-log-consumer';
import { KafkaPartitionReader } from './kafka-partition-reader';
import { alignTopicRetention } from './kafka-topic-retention';

export const DEFAULT_CUSTOMER_EVENTS_TOPIC = 'kairos.customer-events';

export interface KafkaEventLogOptions extends KafkaConnectionOptions {
  /** Accepted event ids and where they went: Kafka itself cannot refuse a duplicate id. */
  readonly eventIdIndex: EventIdIndex;
  /** A customer's event locations (the event index by customer id); `readCustomer` is refused without it. */
  readonly customerEventLocator?: CustomerEventLocator;
  readonly topic?: string;
  /** Where records that are not valid customer events go (default `<topic>.dlq`). */
  readonly deadLetterTopic?: string;
  readonly partitionCount?: number;
  /** Create missing topics at start-up (default true); false expects them to exist. */
  readonly createTopics?: boolean;
  /** An append not acknowledged within this time is refused with LOG_UNAVAILABLE, ms (default 10000). */
  readonly appendTimeoutMs?: number;
  /** Consumer-group tuning for `consume`. */
  readonly consumer?: Pick<KafkaLogConsumerOptions, 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'partitionsConsumedConcurrently' | 'maxBytesPerPartition'>;
  readonly clock?: () => number;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting on it; its fate is reported through `append` itself.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const INDEX_RECORD_ATTEMPTS = 3;

/**
 * The event log on a Kafka topic: one record per event, keyed by customer id, on partition
 * murmur2(customerId) % partitionCount (set explicitly; equal to Kafka's default partitioner, so other clients that
 * key by customer id agree). The idempotent producer with acks=all writes; an `append` resolves only after the
 * broker acknowledged and the locations went into the event-id index.
 *
 * Duplicates: ids are looked up in the index before producing, and ids being appended right now by this process
 * are awaited rather than produced twice. Two processes appending the same new id at the same instant can still
 * both write it (the index keeps the first location); consumers fold idempotently by event id.
 */
export class KafkaEventLog implements EventLog {
  readonly partitionCount: number;
  readonly topic: string;
  readonly deadLetterTopic: string;
  private readonly inFlight = new Map<string, Deferred<EventLocation>>();
  private readonly consumers = new Set<KafkaLogConsumer>();
  private readonly logger: KafkaLogger;
  private readonly clock: () => number;
  private readonly appendTimeoutMs: number;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly options: KafkaEventLogOptions,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: GroupCommitProducer,
    private readonly deadLetters: DeadLetterWriter,
    private readonly reader: KafkaPartitionReader,
  ) {
    this.partitionCount = options.partitionCount ?? 12;
    this.topic = options.topic ?? DEFAULT_CUSTOMER_EVENTS_TOPIC;
    this.deadLetterTopic = deadLetters.topic;
    this.logger = options.logger ?? SILENT_KAFKA_LOGGER;
    this.clock = options.clock ?? Date.now;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 10_000;
  }

  /** Connects, creates missing topics and readies the idempotent producer. */
  static async open(options: KafkaEventLogOptions): Promise<KafkaEventLog> {
    const topic = options.topic ?? DEFAULT_CUSTOMER_EVENTS_TOPIC;
    const partitions = options.partitionCount ?? 12;
    if (!Number.isInteger(partitions) || partitions < 1) throw new KairosError('INTERNAL', `invalid partition count ${partitions}`);
    const logger = options.logger ?? SILENT_KAFKA_LOGGER;
    const kafka = createKafkaClient(options);
    const admin = kafka.admin();
    const producer = new GroupCommitProducer(kafka, { topic, logger });
    const deadLetters = new DeadLetterWriter(kafka, options.deadLetterTopic ?? `${topic}.dlq`, options.clock);
    try {
      await admin.connect();
      if (options.createTopics !== false) {
        await ensureTopic(admin, { topic, partitions });
        await ensureTopic(admin, { topic: deadLetters.topic, partitions: 1 });
      }
      await producer.connect();
    } catch (error) {
      await producer.close().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      throw error instanceof KairosError ? error : logUnavailable('open', error);
    }
    const reader = new KafkaPartitionReader(kafka, admin, topic, options.clientId ?? 'kairos');
    return new KafkaEventLog(options, kafka, admin, producer, deadLetters, reader);
  }

  async append(events: readonly CustomerEvent[]): Promise<readonly AppendOutcome[]> {
    if (this.closing) throw logUnavailable('append', new Error('event log closed'));
    if (events.length === 0) return [];
    let cancel = (): void => undefined;
    let timer: NodeJS.Timeout | undefined;
    const work = this.appendNow(events, (c) => (cancel = c));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cancel();
        reject(logUnavailable('append', new Error(`not acknowledged within ${this.appendTimeoutMs} ms`)));
      }, this.appendTimeoutMs);
    });
    // After a timeout the work goes on (its outcome still reaches the index and waiting duplicates).
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async appendNow(events: readonly CustomerEvent[], onTicket: (cancel: () => void) => void): Promise<AppendOutcome[]> {
    const outcomes = new Array<AppendOutcome>(events.length);
    const firstIndex = new Map<string, number>();
    const repeats: [number, number][] = [];
    const waits: [number, Promise<EventLocation>][] = [];
    const mine = new Map<string, Deferred<EventLocation>>();
    const candidates: string[] = [];
    for (let i = 0; i < events.length; i++) {
      const id = events[i].id;
      const first = firstIndex.get(id);
      if (first !== undefined) {
        repeats.push([i, first]);
        continue;
      }
      firstIndex.set(id, i);
      const pending = this.inFlight.get(id);
      if (pending) {
        waits.push([i, pending.promise]);
        continue;
      }
      // Registered before the first await, so a concurrent append of the same id waits for this one.
      const d = deferred<EventLocation>();
      this.inFlight.set(id, d);
      mine.set(id, d);
      candidates.push(id);
    }

    try {
      const existing = candidates.length > 0 ? await this.findExisting(candidates) : new Map<string, EventLocation>();
      const toStore: number[] = [];
      for (const id of candidates) {
        const i = firstIndex.get(id)!;
        const location = existing.get(id);
        if (location) {
          outcomes[i] = { status: 'duplicate', partition: location.partition, offset: location.offset };
          mine.get(id)!.resolve(location);
        } else {
          toStore.push(i);
        }
      }
      if (toStore.length > 0) await this.store(events, toStore, outcomes, mine, onTicket);
    } catch (error) {
      for (const d of mine.values()) d.reject(error);
      throw error;
    } finally {
      for (const [id, d] of mine) if (this.inFlight.get(id) === d) this.inFlight.delete(id);
    }

    for (const [i, promise] of waits) {
      const location = await promise;
      outcomes[i] = { status: 'duplicate', partition: location.partition, offset: location.offset };
    }
    for (const [i, first] of repeats) {
      outcomes[i] = { status: 'duplicate', partition: outcomes[first].partition, offset: outcomes[first].offset };
    }
    return outcomes;
  }

  private async store(
    events: readonly CustomerEvent[],
    indexes: readonly number[],
    outcomes: AppendOutcome[],
    mine: ReadonlyMap<string, Deferred<EventLocation>>,
    onTicket: (cancel: () => void) => void,
  ): Promise<void> {
    const records: OutgoingRecord[] = new Array(indexes.length);
    for (let j = 0; j < indexes.length; j++) {
      const event = events[indexes[j]];
      const value = encodeCustomerEvent(event);
      records[j] = {
        partition: partitionForCustomer(event.customerId, this.partitionCount),
        key: event.customerId,
        value,
        // The record timestamp drives retention: the ingestion time, never a back-dated occurrence time.
        timestampMs: event.receivedAtMs,
        bytes: value.length + event.customerId.length + 70,
      };
    }
    const ticket = this.producer.send(records);
    onTicket(ticket.cancel);
    const result = await ticket.result;

    const storedAtMs = this.clock();
    const locations: EventLocation[] = [];
    for (let j = 0; j < indexes.length; j++) {
      const offset = result.offsets[j];
      if (offset === undefined) continue;
      const event = events[indexes[j]];
      locations.push({
        eventId: event.id,
        customerId: event.customerId,
        type: event.type,
        partition: records[j].partition,
        offset,
        receivedAtMs: event.receivedAtMs,
        storedAtMs,
      });
    }
    // Even after a partial failure: what Kafka stored must be findable, so a retry is answered as a duplicate.
    if (locations.length > 0) await this.recordLocations(locations);
    if (result.error !== undefined || locations.length !== indexes.length) {
      throw logUnavailable('append', result.error ?? new Error('not every record was acknowledged'));
    }
    for (let j = 0; j < indexes.length; j++) {
      const location = locations[j];
      outcomes[indexes[j]] = { status: 'appended', partition: location.partition, offset: location.offset };
      mine.get(location.eventId)!.resolve(location);
    }
  }

  private async findExisting(ids: readonly string[]): Promise<ReadonlyMap<string, EventLocation>> {
    try {
      return await this.options.eventIdIndex.findExisting(ids);
    } catch (error) {
      throw asStorageError('event-id lookup', error);
    }
  }

  /** The events are durable in Kafka by now; a short retry spares the caller a retry that would write them twice. */
  private async recordLocations(locations: readonly EventLocation[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.eventIdIndex.record(locations);
        return;
      } catch (error) {
        if (attempt >= INDEX_RECORD_ATTEMPTS) throw asStorageError('event-id index', error);
        this.logger.warn({ attempt, error: String(error) }, 'recording event locations failed; retrying');
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async locate(eventId: string): Promise<EventLocation | null> {
    try {
      return await this.options.eventIdIndex.find(eventId);
    } catch (error) {
      throw asStorageError('event-id lookup', error);
    }
  }

  read(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]> {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitionCount) {
      return Promise.reject(new KairosError('NOT_FOUND', `partition ${partition} does not exist`));
    }
    return this.reader.read(partition, fromOffset, limit);
  }

  /**
   * Kafka cannot look a customer up: the event index says where the customer's events went, and only those offsets
   * of the customer's one partition are read. A location whose record is gone (retention) or holds another
   * customer's event (a stale index row) contributes nothing.
   */
  async readCustomer(customerId: string): Promise<readonly LoggedEvent[]> {
    const locator = this.options.customerEventLocator;
    if (!locator) throw new KairosError('INTERNAL', 'this Kafka event log was opened without a customer event locator');
    let locations: readonly EventLocation[];
    try {
      locations = await locator.locateCustomer(customerId);
    } catch (error) {
      throw asStorageError('customer event lookup', error);
    }
    const partition = partitionForCustomer(customerId, this.partitionCount);
    const offsets = locations.filter((l) => l.partition === partition && l.customerId === customerId).map((l) => l.offset);
    if (offsets.length === 0) return [];
    const records = await this.reader.readOffsets(partition, offsets);
    return records.filter((record) => record.event.customerId === customerId);
  }

  /**
   * Kafka deletes by time on its own: the customer-event topic and its dead-letter topic get `retention.ms` equal
   * to the window, read back from the broker. Consumer positions do not hold the broker back; a window of months
   * against a consumer lag of seconds makes that moot, and `keepFrom` is not honoured here.
   */
  async enforceRetention(request: LogRetentionRequest): Promise<LogRetentionReport> {
    if (this.closing) throw logUnavailable('retention', new Error('event log closed'));
    try {
      const topics = [];
      for (const topic of [this.topic, this.deadLetterTopic]) topics.push(await alignTopicRetention(this.admin, topic, request.retentionMs));
      return { kind: 'topic-retention', topics };
    } catch (error) {
      throw error instanceof KairosError ? error : logUnavailable('retention', error);
    }
  }

  async consume(groupId: string, handler: PartitionConsumerHandler): Promise<LogConsumer> {
    if (this.closing) throw logUnavailable('consume', new Error('event log closed'));
    const consumer = await KafkaLogConsumer.start(this.kafka, this.admin, handler, {
      ...this.options.consumer,
      topic: this.topic,
      groupId,
      deadLetters: this.deadLetters,
      logger: this.logger,
      onStopped: (stopped) => this.consumers.delete(stopped),
    });
    this.consumers.add(consumer);
    return consumer;
  }

  async health(): Promise<LogHealth> {
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [this.topic] });
      const partitions = topics[0]?.partitions ?? [];
      const leaderless = partitions.filter((p) => p.leader < 0).length;
      const ok = partitions.length === this.partitionCount && leaderless === 0;
      return {
        ok,
        detail: ok
          ? `kafka: ${this.topic} has ${partitions.length} partitions, all led`
          : `kafka: ${this.topic} has ${partitions.length}/${this.partitionCount} partitions, ${leaderless} without leader`,
      };
    } catch (error) {
      return { ok: false, detail: `kafka unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.reader.close();
    await this.producer.close().catch((e) => this.logger.warn({ error: String(e) }, 'producer close failed'));
    await this.deadLetters.close().catch((e) => this.logger.warn({ error: String(e) }, 'dead-letter producer close failed'));
    await this.admin.disconnect();
  }
}

function asStorageError(action: string, error: unknown): KairosError {
  if (error instanceof KairosError) return error;
  return new KairosError('STORAGE_UNAVAILABLE', `${action} failed: ${error instanceof Error ? error.message : String(error)}`, [], 1);
}

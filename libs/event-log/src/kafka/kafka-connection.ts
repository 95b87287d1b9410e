import { KairosError } from '@kairos/contracts';
import { Admin, Kafka, logLevel, LogEntry } from 'kafkajs';

/** The subset of a pino logger the Kafka adapter writes to (pino's `(object, message)` argument order). */
export interface KafkaLogger {
  error(context: object, message: string): void;
  warn(context: object, message: string): void;
  info(context: object, message: string): void;
}

export const SILENT_KAFKA_LOGGER: KafkaLogger = { error: () => undefined, warn: () => undefined, info: () => undefined };

/** How to reach the cluster; shared by the event log, its consumers and the source-topic consumer. */
export interface KafkaConnectionOptions {
  /** `host:port` bootstrap addresses. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly logger?: KafkaLogger;
  /** TCP connect timeout, ms (default 3000). */
  readonly connectionTimeoutMs?: number;
  /** How long one request may wait for the broker, ms (default 10000). A stopped broker costs this much per try. */
  readonly requestTimeoutMs?: number;
}

/**
 * kafkajs warns that a bounded retry count may invalidate the idempotent producer's guarantees. It would, if the
 * same producer kept sending after giving up; the event log replaces its producer after any failed send, which
 * is what the Java client's epoch bump achieves, so that warning is noise here.
 */
const KNOWN_NOISE = ['Limiting retries for the idempotent producer may invalidate EoS guarantees'];

export function createKafkaClient(options: KafkaConnectionOptions): Kafka {
  const logger = options.logger ?? SILENT_KAFKA_LOGGER;
  return new Kafka({
    clientId: options.clientId ?? 'kairos',
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, ...context } = log;
        if (KNOWN_NOISE.includes(message)) return;
        const entry = { component: 'kafkajs', namespace, ...context };
        if (level === logLevel.ERROR) logger.error(entry, message);
        else if (level === logLevel.WARN) logger.warn(entry, message);
        else logger.info(entry, message);
      },
  });
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

/**
 * Creates the topic when it is missing and checks an existing one has the expected partition count: records are
 * placed by murmur2(customerId) % partitions, so a topic with another count would scatter customers.
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec, timeoutMs = 30_000): Promise<void> {
  const existing = await admin.listTopics();
  if (!existing.includes(spec.topic)) {
    // createTopics answers false (no error) when a concurrent caller created it first.
    await admin.createTopics({ topics: [{ topic: spec.topic, numPartitions: spec.partitions }], waitForLeaders: false });
  }
  // kafkajs' own waitForLeaders gives up after its short retry budget, which a loaded broker exceeds.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const partitions = await leaderStates(admin, spec.topic);
    if (partitions !== null && partitions.length !== spec.partitions && partitions.length > 0) {
      throw new KairosError('INTERNAL', `topic ${spec.topic} has ${partitions.length} partitions, configured ${spec.partitions}`);
    }
    if (partitions !== null && partitions.length === spec.partitions && partitions.every((leader) => leader >= 0)) return;
    if (Date.now() > deadline) throw new Error(`topic ${spec.topic} has no leader for every partition after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Leader per partition, or null while the broker does not know the topic yet. */
async function leaderStates(admin: Admin, topic: string): Promise<number[] | null> {
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return metadata ? metadata.partitions.map((p) => p.leader) : null;
  } catch (error) {
    if ((error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION' || (error as { type?: string }).type === 'LEADER_NOT_AVAILABLE') return null;
    throw error;
  }
}

/** Wraps any failure to reach the broker into the one error callers act on (503 + retry). */
export function logUnavailable(action: string, cause: unknown): KairosError {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const error = new KairosError('LOG_UNAVAILABLE', `event log unavailable (${action}): ${detail}`, [], 1);
  (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

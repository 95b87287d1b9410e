import { Kafka, Message, Producer } from 'kafkajs';
import { KafkaLogger } from './kafka-connection';

/** One record bound for an explicit partition. `bytes` is its approximate size, used to bound a request. */
export interface OutgoingRecord {
  readonly partition: number;
  readonly key: string;
  readonly value: string;
  readonly timestampMs: number;
  readonly bytes: number;
}

/**
 * What became of the records of one `send`: the offset of each stored one (same order), and the error that stopped
 * the rest. Both can be set: a job larger than one request may be stored in part before the broker fails.
 */
export interface SendResult {
  readonly offsets: readonly (number | undefined)[];
  readonly error?: unknown;
}

export interface SendTicket {
  readonly result: Promise<SendResult>;
  /** The caller gave up: drop the job if it has not gone to the broker yet (it stays as it is otherwise). */
  cancel(): void;
}

interface Job {
  readonly records: readonly OutgoingRecord[];
  readonly offsets: (number | undefined)[];
  readonly resolve: (result: SendResult) => void;
  cancelled: boolean;
  started: boolean;
}

export interface GroupCommitProducerOptions {
  readonly topic: string;
  /** Upper bound of one produce request; stays under the broker's 1 MiB `message.max.bytes` per partition batch. */
  readonly maxRequestBytes?: number;
  /** How long the broker may take to replicate before answering, ms. */
  readonly ackTimeoutMs?: number;
  readonly logger: KafkaLogger;
}

/**
 * Sends records with the idempotent producer, one produce request at a time, merging every job that queued up
 * while the previous request was in flight (group commit): concurrent appends cost one round-trip, not one each,
 * and per-partition order is the queue order. One request at a time is also what makes idempotence safe with
 * kafkajs (its sequence numbers are per producer and partition; kafkajs #598).
 *
 * After a failed request the producer is replaced: kafkajs rolls the sequence numbers back on failure, so the
 * next request would reuse them and, if the failed one had in fact been written, the broker would drop the new
 * records as duplicates. A new producer id starts fresh sequences (what the Java client's epoch bump does).
 */
export class GroupCommitProducer {
  private readonly queue: Job[] = [];
  private producer: Producer | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly maxRequestBytes: number;
  private readonly ackTimeoutMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupCommitProducerOptions,
  ) {
    this.maxRequestBytes = options.maxRequestBytes ?? 900_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  }

  /** Connects eagerly so the first append does not pay for InitProducerId. */
  async connect(): Promise<void> {
    await this.currentProducer();
  }

  send(records: readonly OutgoingRecord[]): SendTicket {
    let resolve!: (result: SendResult) => void;
    const result = new Promise<SendResult>((r) => (resolve = r));
    if (this.closed) {
      resolve({ offsets: [], error: new Error('producer closed') });
      return { result, cancel: () => undefined };
    }
    const job: Job = { records, offsets: new Array<number | undefined>(records.length).fill(undefined), resolve, cancelled: false, started: false };
    this.queue.push(job);
    this.draining ??= this.drain().finally(() => (this.draining = null));
    return {
      result,
      cancel: () => {
        if (!job.started) job.cancelled = true;
      },
    };
  }

  /** Queued jobs are refused; the request in flight, if any, is allowed to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue) job.cancelled = true;
    await this.draining;
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.takeJobs();
      if (jobs.length > 0) await this.sendJobs(jobs);
    }
  }

  /** Whole jobs up to the request bound (at least one job; an oversized one is split by `sendJobs`). */
  private takeJobs(): Job[] {
    const jobs: Job[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const job = this.queue[0];
      if (job.cancelled) {
        this.queue.shift();
        job.resolve({ offsets: job.offsets, error: new Error('append timed out before it was sent') });
        continue;
      }
      const jobBytes = job.records.reduce((n, r) => n + r.bytes, 0);
      if (jobs.length > 0 && bytes + jobBytes > this.maxRequestBytes) break;
      this.queue.shift();
      job.started = true;
      jobs.push(job);
      bytes += jobBytes;
    }
    return jobs;
  }

  private async sendJobs(jobs: readonly Job[]): Promise<void> {
    let error: unknown;
    let chunk: { job: Job; index: number }[] = [];
    let chunkBytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length > 0 && error === undefined) {
        try {
          await this.sendChunk(chunk);
        } catch (e) {
          error = e;
          await this.resetProducer();
        }
      }
      chunk = [];
      chunkBytes = 0;
    };
    for (const job of jobs) {
      for (let index = 0; index < job.records.length; index++) {
        const bytes = job.records[index].bytes;
        if (chunk.length > 0 && chunkBytes + bytes > this.maxRequestBytes) await flush();
        chunk.push({ job, index });
        chunkBytes += bytes;
      }
    }
    await flush();
    for (const job of jobs) {
      // Counted by hand: `every` skips the holes of a sparse array and would call an unsent job complete.
      let stored = 0;
      for (let i = 0; i < job.offsets.length; i++) if (job.offsets[i] !== undefined) stored++;
      const complete = stored === job.records.length;
      job.resolve(complete ? { offsets: job.offsets } : { offsets: job.offsets, error: error ?? new Error('not sent') });
    }
  }

  private async sendChunk(chunk: readonly { job: Job; index: number }[]): Promise<void> {
    const messages: Message[] = new Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i].job.records[chunk[i].index];
      messages[i] = { partition: r.partition, key: r.key, value: r.value, timestamp: String(r.timestampMs) };
    }
    const producer = await this.currentProducer();
    const metadata = await producer.send({ topic: this.options.topic, acks: -1, timeout: this.ackTimeoutMs, messages });
    // kafkajs puts each partition's records of one request into one record batch, in message order:
    // record i of partition p sits at baseOffset(p) + (its rank among p's records).
    const next = new Map<number, number>();
    for (const m of metadata) {
      if (m.baseOffset === undefined) throw new Error(`no base offset for partition ${m.partition}`);
      next.set(m.partition, Number(m.baseOffset));
    }
    for (const { job, index } of chunk) {
      const partition = job.records[index].partition;
      const offset = next.get(partition);
      if (offset === undefined) throw new Error(`broker answered without partition ${partition}`);
      job.offsets[index] = offset;
      next.set(partition, offset + 1);
    }
  }

  private async currentProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    return producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) {
      this.options.logger.warn({ topic: this.options.topic }, 'produce failed; replacing the idempotent producer');
      await producer.disconnect().catch(() => undefined);
    }
  }
}

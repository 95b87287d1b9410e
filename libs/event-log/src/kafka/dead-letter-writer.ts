import { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';

/** Header names on dead-lettered records: why, and where the original sits. */
export const DLQ_HEADERS = {
  reason: 'kairos-dlq-reason',
  sourceTopic: 'kairos-dlq-source-topic',
  sourcePartition: 'kairos-dlq-source-partition',
  sourceOffset: 'kairos-dlq-source-offset',
  failedAtMs: 'kairos-dlq-failed-at-ms',
} as const;

export interface DeadLetter {
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly message: KafkaMessage;
  readonly reason: string;
}

/**
 * Copies refused records, bytes untouched, to a dead-letter topic. Its producer is deliberately not idempotent
 * and retries little: a copy landing twice in the DLQ is harmless, while the caller's own backoff loop must get
 * control back to heartbeat and to notice a stop (the idempotent producer would retry forever on a missing topic).
 */
export class DeadLetterWriter {
  private producer: Promise<Producer> | null = null;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async write(letter: DeadLetter): Promise<void> {
    const producer = await this.connected();
    const headers: IHeaders = {
      ...letter.message.headers,
      [DLQ_HEADERS.reason]: letter.reason,
      [DLQ_HEADERS.sourceTopic]: letter.sourceTopic,
      [DLQ_HEADERS.sourcePartition]: String(letter.sourcePartition),
      [DLQ_HEADERS.sourceOffset]: letter.message.offset,
      [DLQ_HEADERS.failedAtMs]: String(this.clock()),
    };
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await (await producer?.catch(() => null))?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      // A failed connect must not stick: the next write tries a fresh producer.
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = null;
        void producer.disconnect().catch(() => undefined);
      });
    }
    return this.producer;
  }
}

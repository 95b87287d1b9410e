import { Kafka, ProducerRecord, RecordMetadata } from 'kafkajs';
import { GroupCommitProducer, OutgoingRecord } from './group-commit-producer';
import { SILENT_KAFKA_LOGGER } from './kafka-connection';

/** A stand-in broker: appends each request's records per partition and answers base offsets like Kafka does. */
class FakeBroker {
  readonly logs = new Map<number, string[]>();
  readonly requests: ProducerRecord[] = [];
  readonly producers: { disconnected: boolean }[] = [];
  failNext = 0;
  /** 1-based numbers of the requests to refuse. */
  readonly failRequests = new Set<number>();
  private attempts = 0;
  private release: (() => void) | null = null;
  hold = false;

  kafka(): Kafka {
    return {
      producer: () => {
        const state = { disconnected: false };
        this.producers.push(state);
        return {
          connect: async () => undefined,
          disconnect: async () => void (state.disconnected = true),
          send: (record: ProducerRecord) => this.send(record),
        };
      },
    } as unknown as Kafka;
  }

  releaseHeld(): void {
    this.hold = false;
    this.release?.();
  }

  private async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (this.hold) await new Promise<void>((r) => (this.release = r));
    if (this.failRequests.has(++this.attempts)) throw new Error('broker gone');
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker gone');
    }
    this.requests.push(record);
    const base = new Map<number, number>();
    for (const m of record.messages) {
      const log = this.logs.get(m.partition!) ?? [];
      if (!base.has(m.partition!)) base.set(m.partition!, log.length);
      log.push(String(m.value));
      this.logs.set(m.partition!, log);
    }
    return [...base].map(([partition, offset]) => ({ topicName: record.topic, partition, errorCode: 0, baseOffset: String(offset) }));
  }
}

const rec = (partition: number, value: string, bytes = 10): OutgoingRecord => ({ partition, key: 'k', value, timestampMs: 0, bytes });

describe('GroupCommitProducer', () => {
  it('merges jobs that queue up behind a request in flight into one request, with exact offsets per job', async () => {
    const broker = new FakeBroker();
    const producer = new GroupCommitProducer(broker.kafka(), { topic: 't', logger: SILENT_KAFKA_LOGGER });
    broker.hold = true;
    const first = producer.send([rec(0, 'a0'), rec(1, 'a1')]);
    await new Promise((r) => setImmediate(r));
    const second = producer.send([rec(0, 'b0'), rec(0, 'b1')]);
    const third = producer.send([rec(1, 'c0')]);
    broker.releaseHeld();

    await expect(first.result).resolves.toEqual({ offsets: [0, 0] });
    await expect(second.result).resolves.toEqual({ offsets: [1, 2] });
    await expect(third.result).resolves.toEqual({ offsets: [1] });
    expect(broker.requests).toHaveLength(2);
    expect(broker.logs.get(0)).toEqual(['a0', 'b0', 'b1']);
    await producer.close();
  });

  it('splits a job larger than one request, in order', async () => {
    const broker = new FakeBroker();
    const producer = new GroupCommitProducer(broker.kafka(), { topic: 't', logger: SILENT_KAFKA_LOGGER, maxRequestBytes: 25 });
    const job = producer.send(Array.from({ length: 7 }, (_, i) => rec(i % 2, `v${i}`)));
    await expect(job.result).resolves.toEqual({ offsets: [0, 0, 1, 1, 2, 2, 3] });
    expect(broker.requests.map((r) => r.messages.length)).toEqual([2, 2, 2, 1]);
    expect(broker.logs.get(0)).toEqual(['v0', 'v2', 'v4', 'v6']);
    await producer.close();
  });

  it('reports a failed request as not stored and replaces the idempotent producer before the next one', async () => {
    const broker = new FakeBroker();
    const producer = new GroupCommitProducer(broker.kafka(), { topic: 't', logger: SILENT_KAFKA_LOGGER });
    await producer.connect();
    broker.failNext = 1;
    const failed = await producer.send([rec(0, 'x'), rec(1, 'y')]).result;
    expect(failed.offsets).toEqual([undefined, undefined]);
    expect(failed.error).toEqual(new Error('broker gone'));
    expect(broker.producers[0].disconnected).toBe(true);

    await expect(producer.send([rec(0, 'z')]).result).resolves.toEqual({ offsets: [0] });
    expect(broker.producers).toHaveLength(2);
    await producer.close();
  });

  it('keeps what was stored of a split job when a later request fails', async () => {
    const broker = new FakeBroker();
    const producer = new GroupCommitProducer(broker.kafka(), { topic: 't', logger: SILENT_KAFKA_LOGGER, maxRequestBytes: 20 });
    await producer.connect();
    broker.failRequests.add(2);
    const result = await producer.send([rec(0, 'a'), rec(0, 'b'), rec(0, 'c')]).result;
    expect(result.offsets.slice(0, 2)).toEqual([0, 1]);
    expect(result.offsets[2]).toBeUndefined();
    expect(result.error).toBeDefined();
    await producer.close();
  });

  it('drops a job whose caller gave up before it was sent', async () => {
    const broker = new FakeBroker();
    const producer = new GroupCommitProducer(broker.kafka(), { topic: 't', logger: SILENT_KAFKA_LOGGER });
    broker.hold = true;
    const inFlight = producer.send([rec(0, 'sent')]);
    await new Promise((r) => setImmediate(r));
    const abandoned = producer.send([rec(0, 'abandoned')]);
    abandoned.cancel();
    broker.releaseHeld();
    await expect(inFlight.result).resolves.toEqual({ offsets: [0] });
    await expect(abandoned.result).resolves.toEqual(expect.objectContaining({ error: expect.any(Error) }));
    expect(broker.logs.get(0)).toEqual(['sent']);
    await producer.close();
  });
});

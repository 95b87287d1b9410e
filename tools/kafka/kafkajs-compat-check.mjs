#!/usr/bin/env node
/**
 * Checks that kafkajs (node_modules) speaks to the pinned broker: admin createTopics / fetchTopicOffsets /
 * fetchOffsets, idempotent producer with acks=-1, consumer group with manual commits. Starts its own broker
 * on a spare port unless KAFKA_BROKERS is set.
 *
 *   node tools/kafka/kafkajs-compat-check.mjs            (KAIROS_KAFKA_VERSION picks another supported broker)
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_VERSION, startBroker } from './kafka-broker.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { Kafka, logLevel } = createRequire(path.join(here, '..', '..', 'package.json'))('kafkajs');

const MESSAGES = 500;

async function check(brokers) {
  const kafka = new Kafka({ clientId: 'kairos-compat', brokers: [brokers], logLevel: logLevel.ERROR, retry: { retries: 3 } });
  const topic = `kairos.compat.${Date.now()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}.group` });
  const steps = [];
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      const result = await fn();
      steps.push(`ok   ${name} (${Date.now() - started} ms)`);
      return result;
    } catch (err) {
      steps.push(`FAIL ${name}: ${err?.type ?? ''} ${err?.message ?? err}`);
      throw err;
    }
  };
  try {
    await step('admin.connect', () => admin.connect());
    await step('admin.createTopics', () => admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }));
    await step('producer.connect (idempotent, InitProducerId)', () => producer.connect());
    await step(`producer.send ${MESSAGES} acks=-1`, () =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: MESSAGES }, (_, i) => ({ key: `k${i % 17}`, value: String(i) })),
      }),
    );
    const offsets = await step('admin.fetchTopicOffsets', () => admin.fetchTopicOffsets(topic));
    const total = offsets.reduce((n, p) => n + Number(p.high), 0);
    if (total !== MESSAGES) throw new Error(`high watermarks add up to ${total}, expected ${MESSAGES}`);

    await step('consumer.connect + subscribe', async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
    });
    const received = await step('consumer group: run + receive all', () => {
      let count = 0;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${count}/${MESSAGES} within 30 s`)), 30_000);
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, resolveOffset }) => {
              for (const m of batch.messages) {
                count++;
                resolveOffset(m.offset);
              }
              await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
              if (count >= MESSAGES) {
                clearTimeout(timer);
                resolve(count);
              }
            },
          })
          .catch(reject);
      });
    });
    if (received !== MESSAGES) throw new Error(`received ${received}`);
    const committed = await step('admin.fetchOffsets (committed)', () => admin.fetchOffsets({ groupId: `${topic}.group`, topics: [topic] }));
    const committedTotal = committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0);
    if (committedTotal !== MESSAGES) throw new Error(`committed offsets add up to ${committedTotal}`);
    await step('admin.deleteTopics', () => admin.deleteTopics({ topics: [topic] }));
    return { ok: true, steps };
  } catch (err) {
    return { ok: false, steps, error: err };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

const external = process.env.KAFKA_BROKERS;
const broker = external ? null : await startBroker({ port: 39192, quickStart: true });
const result = await check(external ?? broker.brokers);
await broker?.stop();
console.log(`kafkajs ${createRequire(import.meta.url)('../../node_modules/kafkajs/package.json').version} vs Kafka ${KAFKA_VERSION}`);
for (const s of result.steps) console.log(`  ${s}`);
console.log(result.ok ? 'COMPATIBLE' : 'INCOMPATIBLE');
process.exit(result.ok ? 0 : 1);

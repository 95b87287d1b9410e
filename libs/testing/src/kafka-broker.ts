// The broker script is plain ESM so it runs without a build; tests reach it by path (tools are not a lib).
import { RunningBroker, startBroker } from '../../../tools/kafka/kafka-broker.mjs';

/**
 * The Kafka broker a suite talks to: KAFKA_BROKERS when `npm test` (or the developer) started one, otherwise a
 * private broker from the Maven Central jars, stopped by the returned function.
 */
export async function ensureKafkaBroker(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const external = process.env.KAFKA_BROKERS;
  if (external) return { brokers: external.split(','), stop: async () => undefined };
  const broker: RunningBroker = await startBroker({ partitions: 8 });
  return { brokers: [broker.brokers], stop: async () => void (await broker.stop()) };
}

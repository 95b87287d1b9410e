import { KairosConfig, isEmbeddedLog } from '@kairos/config';
import { CustomerEventLocator, EmbeddedEventLog, EventIdIndex, EventLog, KafkaEventLog } from '@kairos/event-log';
import type { Logger } from '@kairos/observability';
import { ConfigurationError } from '@kairos/config';

/** The event log the configuration asks for: Kafka when KAFKA_BROKERS is set, else the embedded file log. */
export async function openEventLog(
  config: KairosConfig,
  eventIdIndex: EventIdIndex,
  logger: Logger,
  customerEventLocator?: CustomerEventLocator,
): Promise<EventLog> {
  if (isEmbeddedLog(config)) {
    return EmbeddedEventLog.open({ dataDir: config.dataDir, partitionCount: config.partitions, synchronous: config.durableSync });
  }
  const brokers = config.kafkaBrokers!.split(',');
  try {
    return await KafkaEventLog.open({
      brokers,
      clientId: 'kairos',
      topic: config.topic,
      partitionCount: config.partitions,
      eventIdIndex,
      customerEventLocator,
      consumer: {
        sessionTimeoutMs: config.kafkaSessionTimeoutMs,
        heartbeatIntervalMs: Math.floor(config.kafkaSessionTimeoutMs / 5),
        partitionsConsumedConcurrently: config.kafkaPartitionsConcurrently,
      },
      logger: logger.child({ component: 'kafka' }),
    });
  } catch (error) {
    throw new ConfigurationError('KAFKA_BROKERS', `cannot use the Kafka cluster at ${config.kafkaBrokers}: ${(error as Error).message}`);
  }
}

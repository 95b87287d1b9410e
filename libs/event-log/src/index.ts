export * from './event-log.port';
export * from './embedded/embedded-event-log';
export type { EmbeddedConsumer } from './embedded/embedded-consumer';
export * from './kafka/kafka-event-log';
export * from './kafka/kafka-source-consumer';
export { DLQ_HEADERS } from './kafka/dead-letter-writer';
export { topicRetentionMs, MAX_SEGMENT_MS, type TopicRetentionChange } from './kafka/kafka-topic-retention';
export type { KafkaConnectionOptions, KafkaLogger } from './kafka/kafka-connection';
export type { KafkaLogConsumer, KafkaLogConsumerStats } from './kafka/kafka-log-consumer';

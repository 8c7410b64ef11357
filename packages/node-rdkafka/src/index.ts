export { RdkafkaSinkConsumer, type RdkafkaSinkStats } from './rdkafka-sink-consumer.js';
export type { RdkafkaSinkConsumerOptions } from './options.js';
export type { RdkafkaConsumerLike, CreateConsumer } from './consumer-like.js';
export type { Deserializer } from './deserializer.js';
export { deadLetterToTopic, type DeadLetter, type DeadLetterHandler, type DeadLetterToTopicOptions } from './dead-letter.js';
// Shared with @dynamo-sink/kafkajs through core.
export * from '@dynamo-sink/core/kafka/adapter-api';

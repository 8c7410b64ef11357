export { RdkafkaSinkConsumer, type RdkafkaSinkStats } from './rdkafka-sink-consumer.js';
export type { RdkafkaSinkConsumerOptions } from './options.js';
export type { RdkafkaConsumerLike, CreateConsumer } from './consumer-like.js';
export type { Deserializer } from './deserializer.js';
export { deadLetterToTopic, type DeadLetter, type DeadLetterHandler, type DeadLetterToTopicOptions } from './dead-letter.js';
// Shared with the other Kafka adapters through @dynamo-sink/kafka-common.
export * from '@dynamo-sink/kafka-common/adapter-api';

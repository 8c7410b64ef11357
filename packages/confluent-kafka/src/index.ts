export { ConfluentSinkConsumer, type ConfluentSinkStats } from './confluent-sink-consumer.js';
export type { ConfluentSinkConsumerOptions } from './options.js';
export type { Deserializer } from './deserializer.js';
export { deadLetterToTopic, type DeadLetter, type DeadLetterHandler } from './dead-letter.js';
// Shared with the other Kafka adapters through @dynamo-sink/kafka-common; re-exported so this package's API stays whole.
export * from '@dynamo-sink/kafka-common/adapter-api';

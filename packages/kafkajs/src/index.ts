export { KafkaSinkConsumer, type KafkaSinkStats } from './kafka-sink-consumer.js';
export type { KafkaSinkConsumerOptions } from './options.js';
export type { Deserializer } from './deserializer.js';
export { deadLetterToTopic, type DeadLetter, type DeadLetterHandler } from './dead-letter.js';
// Shared with @dynamo-sink/node-rdkafka through core; re-exported so this package's API stays whole.
export * from '@dynamo-sink/core/kafka/adapter-api';

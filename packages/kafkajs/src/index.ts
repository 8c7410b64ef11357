export { KafkaSinkConsumer, type KafkaSinkStats } from './kafka-sink-consumer.js';
export type { KafkaSinkConsumerOptions, CommitEvent } from './options.js';
export { jsonDeserializer, type Deserializer, type JsonObject, type MessageSource } from './deserializer.js';
export { deadLetterToTopic, DEAD_LETTER_HEADERS, type DeadLetter, type DeadLetterHandler, type DeadLetterReason } from './dead-letter.js';
export { KafkaSinkError, type KafkaPosition } from './errors.js';

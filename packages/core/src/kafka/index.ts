/**
 * What both Kafka adapters (`@dynamo-sink/kafkajs`, `@dynamo-sink/node-rdkafka`) share, free of any Kafka client:
 * dead letters, the adapters' error, the JSON deserializer and the record built from a message.
 */
export { DEAD_LETTER_HEADERS, deadLetterHeaders, type DeadLetter, type DeadLetterHandler, type DeadLetterReason } from './dead-letter.js';
export { KafkaSinkError, type KafkaPosition } from './errors.js';
export { jsonDeserializer, type Deserializer, type JsonObject, type MessageSource, type MessageWithValue } from './deserializer.js';
export { kafkaSinkRecord, kafkaTimestamp, type KafkaMessageFields } from './kafka-record.js';
export type { CommitEvent } from './commit-event.js';

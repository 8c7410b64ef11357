/**
 * The part of each Kafka adapter's public API that lives in this package: `@dynamo-sink/kafkajs`,
 * `@dynamo-sink/node-rdkafka` and `@dynamo-sink/confluent-kafka` re-export all of it, so that each package's API stays
 * whole.
 */
export {
  jsonDeserializer,
  DEAD_LETTER_HEADERS,
  KafkaSinkError,
  type CommitEvent,
  type DeadLetterReason,
  type JsonObject,
  type KafkaPosition,
  type MessageSource,
} from './index.js';

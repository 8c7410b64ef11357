/**
 * What both Kafka adapters (`@dynamo-sink/kafkajs`, `@dynamo-sink/node-rdkafka`) share, free of any Kafka client:
 * dead letters, the adapters' error, the JSON deserializer, the record built from a message, and how a slice of a
 * partition's messages is decoded, written and settled, and the options they have in common.
 */
export { DEAD_LETTER_HEADERS, deadLetterHeaders, type DeadLetter, type DeadLetterHandler, type DeadLetterReason } from './dead-letter.js';
export { KafkaSinkError, type KafkaPosition } from './errors.js';
export { jsonDeserializer, type Deserializer, type JsonObject, type MessageSource, type MessageWithValue } from './deserializer.js';
export { kafkaSinkRecord, kafkaTimestamp, type KafkaMessageFields } from './kafka-record.js';
export type { CommitEvent } from './commit-event.js';
export {
  decodeMessages,
  writeDecoded,
  settleSlice,
  type DecodedMessage,
  type DecodedRecord,
  type WriteOutcome,
  type SliceWrite,
  type SettleTarget,
} from './partition-settler.js';
export {
  KAFKA_SINK_DEFAULTS,
  checkSink,
  checkFromBeginning,
  resolveKafkaSinkOptions,
  wholeNumber,
  optionalFunction,
  describeValue,
  type KafkaSinkOptions,
  type ResolvedKafkaSinkOptions,
} from './kafka-options.js';
export { RunControl, type KafkaRunStats } from './run-control.js';

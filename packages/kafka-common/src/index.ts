/**
 * What the Kafka adapters (`@dynamo-sink/kafkajs`, `@dynamo-sink/node-rdkafka`, `@dynamo-sink/confluent-kafka`) share,
 * free of any Kafka client: dead letters, the adapters' error, the JSON deserializer, the record built from a message,
 * how a slice of a partition's messages is decoded, written and settled, the options they have in common, and the
 * eachBatch consumer run that kafkajs and Confluent's KafkaJS-compatible API both fit.
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
  type DecodedSlice,
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
export type { EachBatchConsumerLike, EachBatchHeaders, EachBatchMessage, EachBatchPayloadLike, MessageOf } from './each-batch/each-batch-api.js';
export { EachBatchRun, type EachBatchClient } from './each-batch/each-batch-run.js';
export type { BatchSettings } from './each-batch/partition-batch.js';
export { eachBatchRecord } from './each-batch/each-batch-record.js';
export { deadLetterToProducer, type EachBatchProducerLike } from './each-batch/dead-letter-to-producer.js';
export {
  EACH_BATCH_DEFAULTS,
  resolveEachBatchOptions,
  type EachBatchSinkOptions,
  type ResolvedEachBatchOptions,
} from './each-batch/each-batch-options.js';

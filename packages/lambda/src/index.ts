export { kafkaHandler, type KafkaHandlerOptions, type KafkaSinkHandler, type KafkaBatchResponse, type KafkaItemIdentifier } from './kafka-handler.js';
export { sqsHandler, type SqsHandlerOptions, type SqsSinkHandler } from './sqs-handler.js';
export { kinesisHandler, type KinesisHandlerOptions, type KinesisSinkHandler } from './kinesis-handler.js';
export type { KafkaEvent, KafkaEventRecord, KafkaMessage } from './kafka-event.js';
export type { SqsMessage } from './sqs-event.js';
export type { KinesisMessage } from './kinesis-event.js';
export { HANDLER_DEFAULTS, type HandlerOptions, type Deserializer } from './options.js';
export type { DeadLetter, DeadLetterHandler, EventSourceKind } from './dead-letter.js';
export { LambdaBatchError, type BatchSummary } from './batch-summary.js';
export type { InvocationContext } from './invoke.js';
export type { RemainingTime } from './time-budget.js';
// The default deserializer and its parser, from core, for deserializers that wrap them.
export { jsonDeserializer, type JsonObject } from '@dynamo-sink/kafka-common';
export { parseJson } from '@dynamo-sink/core';

import type { SinkRecord } from '@dynamo-sink/core';
import type { DeadLetterReason } from '@dynamo-sink/kafka-common';

/** Which kind of event source mapping invoked the handler. */
export type EventSourceKind = 'kafka' | 'sqs' | 'kinesis';

/**
 * A record that can never be written, as `onDeadLetter` receives it. `M` is the handler's message type
 * (`KafkaMessage`, `SqsMessage`, `KinesisMessage`), which holds the decoded payload and the event's record as Lambda
 * delivered it (`message.event`).
 */
export interface DeadLetter<V = unknown, M = unknown> {
  readonly source: EventSourceKind;
  /**
   * The record's identity in its source: the SQS `messageId`, the Kinesis `sequenceNumber`, or for Kafka
   * `topic-partition@offset` (as in `orders-0@17`).
   */
  readonly id: string;
  readonly message: M;
  /** The sink's `FailureReason`, or `invalid-message` when the deserializer refused the message. */
  readonly reason: DeadLetterReason;
  /** The field at fault, when the sink named one (a key field, the path of a bad value). */
  readonly field?: string;
  readonly error: Error;
  /** The record handed to the sink; absent for `invalid-message`. */
  readonly record?: SinkRecord<V>;
}

/**
 * Takes a dead letter. The record counts as done once this resolves (it is not reported to Lambda); if it throws or
 * rejects, or is still running when the time budget runs out, the record is reported and comes back on a retry.
 */
export type DeadLetterHandler<V = unknown, M = unknown> = (letter: DeadLetter<V, M>) => void | Promise<void>;

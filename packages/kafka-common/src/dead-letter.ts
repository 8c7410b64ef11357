import type { FailureReason, SinkRecord } from '@dynamo-sink/core';

/** Why a message was dead-lettered: the sink's reasons, or `invalid-message` when the deserializer refused it. */
export type DeadLetterReason = FailureReason | 'invalid-message';

/**
 * A message that can never be written, as `onDeadLetter` receives it. `M` is the Kafka client's message type
 * (kafkajs `KafkaMessage`, node-rdkafka `Message`, Confluent's KafkaJS `KafkaMessage`): each adapter binds it.
 */
export interface DeadLetter<V = unknown, M = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The message as it was read, raw bytes included. */
  readonly message: M;
  readonly reason: DeadLetterReason;
  /** The field at fault, when the sink named one (a key field, the path of a bad value). */
  readonly field?: string;
  readonly error: Error;
  /** The record handed to the sink; absent for `invalid-message`. */
  readonly record?: SinkRecord<V>;
}

/** Receives a dead letter; the message's offset is committed once it resolves. */
export type DeadLetterHandler<V = unknown, M = unknown> = (letter: DeadLetter<V, M>) => void | Promise<void>;

/** Header names each adapter's `deadLetterToTopic` adds to a dead letter. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dead-letter.reason',
  error: 'dead-letter.error',
  field: 'dead-letter.field',
  topic: 'dead-letter.topic',
  partition: 'dead-letter.partition',
  offset: 'dead-letter.offset',
  timestamp: 'dead-letter.timestamp',
} as const;

/**
 * The headers saying why a letter was dead-lettered and where it came from, in `DEAD_LETTER_HEADERS` order;
 * `timestamp` is the original message's (ms since the epoch, as text), left out when it had none.
 *
 * @example
 * deadLetterHeaders(letter, '1667844200703') // { 'dead-letter.reason': 'invalid-key', 'dead-letter.error': '...', ... }
 */
export function deadLetterHeaders(letter: DeadLetter, timestamp: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    [DEAD_LETTER_HEADERS.reason]: letter.reason,
    [DEAD_LETTER_HEADERS.error]: letter.error.message,
  };
  if (letter.field !== undefined) headers[DEAD_LETTER_HEADERS.field] = letter.field;
  headers[DEAD_LETTER_HEADERS.topic] = letter.topic;
  headers[DEAD_LETTER_HEADERS.partition] = String(letter.partition);
  headers[DEAD_LETTER_HEADERS.offset] = letter.offset;
  if (timestamp !== undefined) headers[DEAD_LETTER_HEADERS.timestamp] = timestamp;
  return headers;
}

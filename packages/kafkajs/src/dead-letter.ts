import type { FailureReason, SinkRecord } from '@dynamo-sink/core';
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';

/** Why a message was dead-lettered: the sink's reasons, or `invalid-message` when the deserializer refused it. */
export type DeadLetterReason = FailureReason | 'invalid-message';

/** A message that can never be written, as `onDeadLetter` receives it. */
export interface DeadLetter<V = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The message as it was read, raw bytes included. */
  readonly message: KafkaMessage;
  readonly reason: DeadLetterReason;
  /** The field at fault, when the sink named one (a key field, the path of a bad value). */
  readonly field?: string;
  readonly error: Error;
  /** The record handed to the sink; absent for `invalid-message`. */
  readonly record?: SinkRecord<V>;
}

/** Receives a dead letter; the message's offset is committed once it resolves. */
export type DeadLetterHandler<V = unknown> = (letter: DeadLetter<V>) => void | Promise<void>;

/** Header names `deadLetterToTopic` adds to each dead letter. */
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
 * A dead-letter handler that produces each bad message to `topic`: the original key, value and headers, plus headers
 * saying why (`dead-letter.reason`, `dead-letter.error`, `dead-letter.field`) and where it came from
 * (`dead-letter.topic`, `dead-letter.partition`, `dead-letter.offset`, `dead-letter.timestamp`). The offset of the
 * bad message is committed only once the dead-letter topic has acknowledged it. Connect the producer first.
 *
 * @example
 * const producer = kafka.producer();
 * await producer.connect();
 * new KafkaSinkConsumer({ consumer, sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dead-letter') });
 */
export function deadLetterToTopic(producer: Producer, topic: string): DeadLetterHandler {
  if (typeof producer?.send !== 'function') throw new TypeError('Expected `producer` to be a kafkajs Producer');
  if (typeof topic !== 'string' || topic === '') throw new TypeError(`Expected \`topic\` to be a topic name, got ${String(topic)}`);
  return async (letter) => {
    const headers: IHeaders = { ...letter.message.headers };
    headers[DEAD_LETTER_HEADERS.reason] = letter.reason;
    headers[DEAD_LETTER_HEADERS.error] = letter.error.message;
    if (letter.field !== undefined) headers[DEAD_LETTER_HEADERS.field] = letter.field;
    headers[DEAD_LETTER_HEADERS.topic] = letter.topic;
    headers[DEAD_LETTER_HEADERS.partition] = String(letter.partition);
    headers[DEAD_LETTER_HEADERS.offset] = letter.offset;
    headers[DEAD_LETTER_HEADERS.timestamp] = letter.message.timestamp;
    await producer.send({ topic, messages: [{ key: letter.message.key, value: letter.message.value, headers }] });
  };
}

import { deadLetterHeaders, type DeadLetterHandler } from '../dead-letter.js';
import { kafkaTimestamp } from '../kafka-record.js';
import type { EachBatchHeaders, EachBatchMessage } from './each-batch-api.js';

/** The producer call `deadLetterToProducer` makes: kafkajs's `Producer` and Confluent's KafkaJS-compatible one. */
export interface EachBatchProducerLike {
  send(record: { topic: string; messages: { key: Buffer | null; value: Buffer | null; headers: EachBatchHeaders }[] }): Promise<unknown>;
}

/**
 * A dead-letter handler that produces each bad message to `topic`: its original key, value and headers, plus the
 * `DEAD_LETTER_HEADERS` saying why and where from. It resolves (and the bad message's offset may be committed) once
 * the producer's `send` resolved, that is once the dead-letter topic acknowledged it. `client` names the producer
 * expected, for the error a wrong argument gets.
 */
export function deadLetterToProducer<M extends EachBatchMessage>(
  producer: EachBatchProducerLike,
  topic: string,
  client: string,
): DeadLetterHandler<unknown, M> {
  if (typeof producer?.send !== 'function') throw new TypeError(`Expected \`producer\` to be ${client}`);
  if (typeof topic !== 'string' || topic === '') throw new TypeError(`Expected \`topic\` to be a topic name, got ${String(topic)}`);
  return async (letter) => {
    const { key, value, timestamp } = letter.message;
    const headers = { ...letter.message.headers, ...deadLetterHeaders(letter, kafkaTimestamp(timestamp) ? timestamp : undefined) };
    await producer.send({ topic, messages: [{ key, value, headers }] });
  };
}

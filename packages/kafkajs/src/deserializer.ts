import { RecordError } from '@dynamo-sink/core';
import type { KafkaMessage } from 'kafkajs';
import { isLosslessNumber, parse } from 'lossless-json';

/** A JSON object as `jsonDeserializer` returns it: numbers are lossless-json `LosslessNumber`s. */
export type JsonObject = Record<string, unknown>;

/** Where a message was read from, for deserializers that depend on it (a schema per topic). */
export interface MessageSource {
  readonly topic: string;
  readonly partition: number;
}

/** Turns a Kafka message into a record's value. Throw (or reject) to send the message to the dead-letter handler. */
export type Deserializer<V> = (message: KafkaMessage, source: MessageSource) => V | Promise<V>;

// fatal: a value that is not UTF-8 is refused rather than decoded with U+FFFD in place of its bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default deserializer: the message value as a UTF-8 JSON object, parsed with lossless-json so that every number
 * keeps the digits it had in the message (`JSON.parse` turns 12345678901234567890 into 12345678901234567000).
 * Numbers arrive as `LosslessNumber`s, which `DynamoSink` writes as `N` digit for digit. Throws a `RecordError` for
 * a missing value (a tombstone), bytes that are not UTF-8, text that is not JSON (lossless-json also refuses an object
 * with the same key twice holding different values), and JSON that is not an object.
 *
 * @example
 * jsonDeserializer({ value: Buffer.from('{"id":12345678901234567890}'), ... }) // { id: LosslessNumber { value: '12345678901234567890' } }
 */
export const jsonDeserializer: Deserializer<JsonObject> = (message) => {
  if (message.value === null) throw new RecordError('The message has no value (a tombstone); expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch (cause) {
    throw new RecordError('The message value is not UTF-8 text; expected a JSON object', { cause });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (cause) {
    throw new RecordError(`The message value is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (isLosslessNumber(value) || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RecordError(`The message value is JSON but not an object: got ${describeJson(value)}`);
  }
  return value as JsonObject;
};

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isLosslessNumber(value)) return `the number ${value.toString()}`;
  return typeof value === 'string' ? 'a string' : `${typeof value} ${String(value)}`;
}

import { isLosslessNumber } from 'lossless-json';
import { parseJson, RecordError } from '@dynamo-sink/core';

/** A JSON object as `jsonDeserializer` returns it. */
export type JsonObject = Record<string, unknown>;

/** Where a message was read from, for deserializers that depend on it (a schema per topic). */
export interface MessageSource {
  readonly topic: string;
  readonly partition: number;
}

/** The part of a Kafka message, in any client, that `jsonDeserializer` reads. */
export interface MessageWithValue {
  readonly value: Uint8Array | null | undefined;
}

/**
 * Turns a Kafka message (`M`, the client's message type) into a record's value. Throw (or reject) to send the message
 * to the dead-letter handler. Return `null` for a tombstone: `DynamoSink` deletes the item the record's key names.
 */
export type Deserializer<V, M = MessageWithValue> = (message: M, source: MessageSource) => V | Promise<V>;

// fatal: a value that is not UTF-8 is refused rather than decoded with U+FFFD in place of its bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default deserializer of the Kafka adapters: the message value as a UTF-8 JSON object, parsed with `parseJson`
 * so that every number keeps the digits it had in the message (`JSON.parse` turns 12345678901234567890 into
 * 12345678901234567000). A number a double holds exactly stays a JS number; any other (a 20-digit id, a 25-digit
 * amount, 1e999) arrives as a lossless-json `LosslessNumber`, which `DynamoSink` writes as `N` digit for digit (or
 * fails as `invalid-value`). Of a key given twice, the last wins, as with `JSON.parse`.
 *
 * A message without a value (null or absent: a tombstone, as compacted topics and CDC connectors use for "this key was
 * deleted") gives `null`, and the record keeps the message key, so that `DynamoSink` deletes the item. An empty value
 * (zero bytes) is not a tombstone: it is refused like any text that is not JSON. Throws a `RecordError` for bytes that
 * are not UTF-8, text that is not JSON, and JSON that is not an object (the literal `null` included).
 *
 * @example
 * jsonDeserializer({ value: Buffer.from('{"id":12345678901234567890,"n":10}') }, source) // { id: LosslessNumber { value: '12345678901234567890' }, n: 10 }
 * jsonDeserializer({ value: null }, source) // null: a tombstone
 */
export function jsonDeserializer(message: MessageWithValue, _source?: MessageSource): JsonObject | null {
  if (message.value === null || message.value === undefined) return null;
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch (cause) {
    throw new RecordError('The message value is not UTF-8 text; expected a JSON object', { cause });
  }
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (cause) {
    throw new RecordError(`The message value is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (isLosslessNumber(value) || typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RecordError(`The message value is JSON but not an object: got ${describeJson(value)}`);
  }
  return value as JsonObject;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isLosslessNumber(value) || typeof value === 'number') return `the number ${String(value)}`;
  return typeof value === 'string' ? 'a string' : `${typeof value} ${String(value)}`;
}

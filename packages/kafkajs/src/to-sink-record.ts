import type { SinkRecord } from '@dynamo-sink/core';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * The record for a decoded message: its value plus the message's topic, partition, offset, key, headers and timestamp.
 * The Kafka timestamp (ms since the epoch) becomes a `Date`, which is unambiguous: a bare number would be read by
 * magnitude, and a millisecond timestamp before 1973 would pass for seconds.
 */
export function toSinkRecord<V>(message: KafkaMessage, value: V, topic: string, partition: number): SinkRecord<V> {
  const record: {
    value: V;
    topic: string;
    partition: number;
    offset: string;
    key: Uint8Array | null;
    timestamp?: Date;
    headers?: Record<string, string | Uint8Array | undefined>;
  } = { value, topic, partition, offset: message.offset, key: message.key };
  const timestamp = kafkaTimestamp(message.timestamp);
  if (timestamp) record.timestamp = timestamp;
  if (message.headers && Object.keys(message.headers).length > 0) record.headers = flattenHeaders(message.headers);
  return record;
}

/** A Kafka timestamp as a Date; none for -1 (a message without one) or anything unreadable. */
function kafkaTimestamp(timestamp: string | undefined): Date | undefined {
  if (timestamp === undefined) return undefined;
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms >= 0 ? new Date(ms) : undefined;
}

/** kafkajs gives a header sent more than once as an array; a record holds one value per name: the last, as Kafka's `lastHeader` does. */
function flattenHeaders(headers: IHeaders): Record<string, string | Uint8Array | undefined> {
  const flat: Record<string, string | Uint8Array | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return flat;
}

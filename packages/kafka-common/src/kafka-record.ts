import type { SinkRecord } from '@dynamo-sink/core';

/** Where a decoded message came from and what it carried besides its value, in client-neutral form. */
export interface KafkaMessageFields {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Uint8Array | string | null | undefined;
  /** The Kafka timestamp in ms since the epoch, as the client gives it; -1, `''` or absent when the message has none. */
  readonly timestamp: string | number | undefined;
  /** One value per header name (each adapter decides which one of a repeated header: the last, as Kafka's `lastHeader`). */
  readonly headers?: Readonly<Record<string, string | Uint8Array | undefined>>;
}

/**
 * The record for a decoded message: its value plus the message's topic, partition, offset, key, headers and timestamp.
 * The Kafka timestamp (ms since the epoch) becomes a `Date`, which is unambiguous: a bare number would be read by
 * magnitude, and a millisecond timestamp before 1973 would pass for seconds.
 *
 * @example
 * kafkaSinkRecord({ id: 'a' }, { topic: 't', partition: 0, offset: '7', key: null, timestamp: '1667844200703' })
 * // { value: { id: 'a' }, topic: 't', partition: 0, offset: '7', key: null, timestamp: new Date(1667844200703) }
 */
export function kafkaSinkRecord<V>(value: V, fields: KafkaMessageFields): SinkRecord<V> {
  const record: {
    value: V;
    topic: string;
    partition: number;
    offset: string;
    key: Uint8Array | string | null;
    timestamp?: Date;
    headers?: Record<string, string | Uint8Array | undefined>;
  } = { value, topic: fields.topic, partition: fields.partition, offset: fields.offset, key: fields.key ?? null };
  const timestamp = kafkaTimestamp(fields.timestamp);
  if (timestamp) record.timestamp = timestamp;
  if (fields.headers && Object.keys(fields.headers).length > 0) record.headers = { ...fields.headers };
  return record;
}

/**
 * A Kafka timestamp as a Date; none for -1 (a message without one, as kafkajs and node-rdkafka say it), `''` (as
 * Confluent's KafkaJS-compatible API says it) or anything unreadable.
 */
export function kafkaTimestamp(timestamp: string | number | undefined): Date | undefined {
  if (timestamp === undefined || timestamp === '') return undefined;
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms >= 0 ? new Date(ms) : undefined;
}

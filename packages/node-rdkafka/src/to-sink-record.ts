import type { SinkRecord } from '@dynamo-sink/core';
import { kafkaSinkRecord } from '@dynamo-sink/kafka-common';
import type { Message, MessageHeader } from 'node-rdkafka';

/** The record for a decoded node-rdkafka message (see @dynamo-sink/kafka-common's `kafkaSinkRecord`): a repeated header keeps its last value. */
export function toSinkRecord<V>(message: Message, value: V): SinkRecord<V> {
  return kafkaSinkRecord(value, {
    topic: message.topic,
    partition: message.partition,
    offset: String(message.offset),
    key: message.key,
    timestamp: message.timestamp,
    headers: message.headers && flattenHeaders(message.headers),
  });
}

/** node-rdkafka gives headers as a list of one-entry objects, in the order sent; a record holds one value per name. */
function flattenHeaders(headers: readonly MessageHeader[]): Record<string, string | Uint8Array> {
  const flat: Record<string, string | Uint8Array> = {};
  for (const header of headers) Object.assign(flat, header);
  return flat;
}

import type { SinkRecord } from '@dynamo-sink/core';
import { kafkaSinkRecord } from '../kafka-record.js';
import type { EachBatchHeaders, EachBatchMessage } from './each-batch-api.js';

/** The record for a decoded eachBatch message (see `kafkaSinkRecord`): a repeated header keeps its last value. */
export function eachBatchRecord<V>(message: EachBatchMessage, value: V, topic: string, partition: number): SinkRecord<V> {
  return kafkaSinkRecord(value, {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    timestamp: message.timestamp,
    ...(message.headers ? { headers: flattenHeaders(message.headers) } : {}),
  });
}

/** A header sent more than once comes as an array; a record holds one value per name: the last, as Kafka's `lastHeader` does. */
function flattenHeaders(headers: EachBatchHeaders): Record<string, string | Uint8Array | undefined> {
  const flat: Record<string, string | Uint8Array | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return flat;
}

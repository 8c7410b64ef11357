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
    headers: message.headers && flattenHeaders(message.headers),
  });
}

/**
 * A header sent more than once comes as an array; a record holds one value per name: the last, as Kafka's
 * `lastHeader` does. Most messages carry none: no object then.
 */
function flattenHeaders(headers: EachBatchHeaders): Record<string, string | Uint8Array | undefined> | undefined {
  let flat: Record<string, string | Uint8Array | undefined> | undefined;
  for (const name in headers) {
    const value = headers[name];
    (flat ??= {})[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return flat;
}

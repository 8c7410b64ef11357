import type { SinkRecord } from '@dynamo-sink/core';
import { kafkaSinkRecord } from '@dynamo-sink/core/kafka';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** The record for a decoded kafkajs message (see core's `kafkaSinkRecord`): a repeated header keeps its last value. */
export function toSinkRecord<V>(message: KafkaMessage, value: V, topic: string, partition: number): SinkRecord<V> {
  return kafkaSinkRecord(value, {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    timestamp: message.timestamp,
    ...(message.headers ? { headers: flattenHeaders(message.headers) } : {}),
  });
}

/** kafkajs gives a header sent more than once as an array; a record holds one value per name: the last, as Kafka's `lastHeader` does. */
function flattenHeaders(headers: IHeaders): Record<string, string | Uint8Array | undefined> {
  const flat: Record<string, string | Uint8Array | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return flat;
}

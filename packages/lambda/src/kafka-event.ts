import type { SinkRecord } from '@dynamo-sink/core';
import { kafkaSinkRecord } from '@dynamo-sink/kafka-common';
import type { MSKEvent, MSKRecord, SelfManagedKafkaEvent, SelfManagedKafkaRecord } from 'aws-lambda';
import type { BatchEntry } from './settle-batch.js';

/** The event of an Amazon MSK or self-managed Apache Kafka event source mapping. */
export type KafkaEvent = MSKEvent | SelfManagedKafkaEvent;

/** One record of a Kafka event as Lambda delivers it (base64 key and value, headers as arrays of byte values). */
export type KafkaEventRecord = MSKRecord | SelfManagedKafkaRecord;

/** A Kafka message decoded from the event: what the deserializer and `onDeadLetter` see. */
export interface KafkaMessage {
  readonly topic: string;
  readonly partition: number;
  /** As a string, like the Kafka adapters' records. */
  readonly offset: string;
  /** The key of the event's `records` map the message came under: `topic-partition`, as in `orders-0`. */
  readonly topicPartition: string;
  /** The Kafka timestamp, in ms since the epoch. */
  readonly timestamp: number | undefined;
  readonly key: Buffer | null;
  /** `null` for a tombstone. */
  readonly value: Buffer | null;
  /** One value per header name: a header sent more than once keeps its last value (Kafka's `lastHeader`). */
  readonly headers: Readonly<Record<string, Buffer>>;
  /** The record as Lambda delivered it. */
  readonly event: KafkaEventRecord;
}

/** The event's messages in delivery order (partition by partition, each in offset order). */
export function kafkaEntries(event: KafkaEvent): BatchEntry<KafkaMessage>[] {
  if (event === null || typeof event !== 'object' || event.records === null || typeof event.records !== 'object') {
    throw new TypeError(
      'Expected a Kafka event ({ eventSource: "aws:kafka" or "SelfManagedKafka", records: { "topic-partition": [...] } }): ' +
        'is this function wired to an MSK or self-managed Kafka event source mapping?',
    );
  }
  const entries: BatchEntry<KafkaMessage>[] = [];
  for (const [topicPartition, records] of Object.entries(event.records)) {
    for (const record of records) {
      const message = kafkaMessage(topicPartition, record);
      entries.push({ id: `${topicPartition}@${message.offset}`, message });
    }
  }
  return entries;
}

/** The record for a decoded message: the same fields the Kafka adapters give (see @dynamo-sink/kafka-common's `kafkaSinkRecord`). */
export function kafkaRecord<V>(message: KafkaMessage, value: V): SinkRecord<V> {
  return kafkaSinkRecord(value, {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    timestamp: message.timestamp,
    headers: message.headers,
  });
}

function kafkaMessage(topicPartition: string, record: KafkaEventRecord): KafkaMessage {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: String(record.offset),
    topicPartition,
    timestamp: typeof record.timestamp === 'number' ? record.timestamp : undefined,
    // The types say string, but Lambda leaves out a missing key and sends a tombstone's value as null.
    key: fromBase64(record.key as string | null | undefined),
    value: fromBase64(record.value as string | null | undefined),
    headers: flattenHeaders(record.headers),
    event: record,
  };
}

function fromBase64(text: string | null | undefined): Buffer | null {
  return text === null || text === undefined ? null : Buffer.from(text, 'base64');
}

/** `[{ name: [104, 105] }, ...]` → `{ name: Buffer }`, the last value of a repeated name winning. */
function flattenHeaders(headers: readonly Record<string, number[]>[] | null | undefined): Record<string, Buffer> {
  const flat: Record<string, Buffer> = {};
  for (const header of headers ?? []) {
    // Buffer.from keeps the low 8 bits of each number, so signed bytes (Java's -128..127) read right too.
    for (const [name, bytes] of Object.entries(header)) flat[name] = Buffer.from(bytes);
  }
  return flat;
}

import type { SinkRecord } from '@dynamo-sink/core';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { BatchEntry } from './settle-batch.js';
import { arnResourceName } from './sqs-event.js';

/** A Kinesis record from the event: what the deserializer and `onDeadLetter` see. */
export interface KinesisMessage {
  /** The data, decoded from base64. */
  readonly value: Buffer;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** The record as Lambda delivered it. */
  readonly event: KinesisStreamRecord;
}

/** The event's records, in delivery (sequence) order. */
export function kinesisEntries(event: KinesisStreamEvent): BatchEntry<KinesisMessage>[] {
  if (event === null || typeof event !== 'object' || !Array.isArray(event.Records)) {
    throw new TypeError('Expected a Kinesis event ({ Records: [{ kinesis: {...} }] }): is this function wired to a Kinesis event source mapping?');
  }
  return event.Records.map((record) => {
    const { data, partitionKey, sequenceNumber } = record.kinesis;
    return { id: sequenceNumber, message: { value: Buffer.from(data, 'base64'), partitionKey, sequenceNumber, event: record } };
  });
}

/**
 * The record for a Kinesis record: `key` = its partition key, `offset` = its sequence number, `timestamp` = its
 * approximate arrival time, `topic` = the stream's name (from `eventSourceARN`).
 */
export function kinesisRecord<V>(message: KinesisMessage, value: V): SinkRecord<V> {
  const record: { value: V; key: string; offset: string; timestamp?: Date; topic?: string } = {
    value,
    key: message.partitionKey,
    offset: message.sequenceNumber,
  };
  // Seconds with a fraction: 1545084650.987.
  const arrival = message.event.kinesis.approximateArrivalTimestamp;
  if (typeof arrival === 'number' && Number.isFinite(arrival) && arrival >= 0) record.timestamp = new Date(Math.round(arrival * 1000));
  const stream = arnResourceName(message.event.eventSourceARN);
  if (stream) record.topic = stream;
  return record;
}

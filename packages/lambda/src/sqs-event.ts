import type { SinkRecord } from '@dynamo-sink/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchEntry } from './settle-batch.js';

/** An SQS message from the event: what the deserializer and `onDeadLetter` see. */
export interface SqsMessage {
  /** The body as UTF-8 bytes (what `jsonDeserializer` reads). */
  readonly value: Buffer;
  readonly body: string;
  /** The record as Lambda delivered it. */
  readonly event: SQSRecord;
}

/** The event's messages, in delivery order. */
export function sqsEntries(event: SQSEvent): BatchEntry<SqsMessage>[] {
  if (event === null || typeof event !== 'object' || !Array.isArray(event.Records)) {
    throw new TypeError('Expected an SQS event ({ Records: [...] }): is this function wired to an SQS event source mapping?');
  }
  return event.Records.map((record) => ({ id: record.messageId, message: { value: Buffer.from(record.body, 'utf8'), body: record.body, event: record } }));
}

/**
 * The record for a message: `timestamp` = when it was sent (`SentTimestamp`), `topic` = the queue's name (from
 * `eventSourceARN`), `headers` = its message attributes (string values as text, binary ones as bytes).
 */
export function sqsRecord<V>(message: SqsMessage, value: V): SinkRecord<V> {
  const { attributes, messageAttributes, eventSourceARN } = message.event;
  const record: { value: V; timestamp?: Date; topic?: string; headers?: Record<string, string | Uint8Array> } = { value };
  const sent = Number(attributes?.SentTimestamp);
  if (Number.isSafeInteger(sent) && sent >= 0) record.timestamp = new Date(sent);
  const queue = arnResourceName(eventSourceARN);
  if (queue) record.topic = queue;
  const headers: Record<string, string | Uint8Array> = {};
  for (const [name, attribute] of Object.entries(messageAttributes ?? {})) {
    if (attribute.stringValue !== undefined) headers[name] = attribute.stringValue;
    else if (attribute.binaryValue !== undefined) headers[name] = Buffer.from(attribute.binaryValue, 'base64');
  }
  if (Object.keys(headers).length > 0) record.headers = headers;
  return record;
}

/** `arn:aws:sqs:eu-west-1:123456789012:orders` → `orders`; `arn:aws:kinesis:…:stream/clicks` → `clicks`. */
export function arnResourceName(arn: string | undefined): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const resource = arn.split(':').slice(5).join(':');
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  return name === '' ? undefined : name;
}

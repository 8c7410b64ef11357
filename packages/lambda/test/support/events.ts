/**
 * Events in the shapes AWS documents for each event source mapping (the examples of the Lambda developer guide's
 * "Using Lambda with Amazon MSK / Amazon SQS / Kinesis" pages, typed with `aws-lambda`), and a Lambda context whose
 * remaining time runs down with the clock.
 */
import type { MSKEvent, MSKRecord, SQSEvent, SQSRecord, KinesisStreamEvent, KinesisStreamRecord, SelfManagedKafkaEvent } from 'aws-lambda';

const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

/** One Kafka message to put in an event: `value: null` for a tombstone. */
export interface KafkaInput {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset: number;
  readonly key?: string | Uint8Array | null;
  readonly value: string | Uint8Array | null;
  readonly timestamp?: number;
  readonly headers?: Record<string, number[]>[];
}

/** An MSK event (`eventSource: "aws:kafka"`), records grouped under `topic-partition` as Lambda sends them. */
export function mskEvent(messages: readonly KafkaInput[]): MSKEvent {
  const records: MSKEvent['records'] = {};
  for (const message of messages) {
    const topic = message.topic ?? 'mytopic';
    const partition = message.partition ?? 0;
    const record = {
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp ?? 1545084650987,
      timestampType: 'CREATE_TIME',
      // Lambda leaves out a missing key and sends a tombstone's value as null (the types say string).
      ...(message.key === undefined || message.key === null ? {} : { key: base64(message.key) }),
      value: message.value === null ? null : base64(message.value),
      headers: message.headers ?? [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
    } as unknown as MSKRecord;
    (records[`${topic}-${partition}`] ??= []).push(record);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
    bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
    records,
  };
}

/** The same messages as a self-managed Kafka event. */
export function selfManagedKafkaEvent(messages: readonly KafkaInput[]): SelfManagedKafkaEvent {
  const { records, bootstrapServers } = mskEvent(messages);
  return { eventSource: 'SelfManagedKafka', bootstrapServers, records };
}

/** One SQS message to put in an event. */
export interface SqsInput {
  readonly id: string;
  readonly body: string;
  readonly groupId?: string;
  readonly attributes?: SQSRecord['messageAttributes'];
  readonly sentTimestamp?: number;
}

/** An SQS event; a FIFO queue's when any message has a `groupId`. */
export function sqsEvent(messages: readonly SqsInput[]): SQSEvent {
  const fifo = messages.some((message) => message.groupId !== undefined);
  return {
    Records: messages.map((message, index) => ({
      messageId: message.id,
      receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-${index}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(message.sentTimestamp ?? 1545082649183),
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1545082649185',
        ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId, SequenceNumber: String(18849496460467696128n + BigInt(index)), MessageDeduplicationId: message.id }),
      },
      messageAttributes: message.attributes ?? {},
      md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      eventSource: 'aws:sqs',
      eventSourceARN: fifo ? 'arn:aws:sqs:us-east-2:123456789012:my-queue.fifo' : 'arn:aws:sqs:us-east-2:123456789012:my-queue',
      awsRegion: 'us-east-2',
    })),
  };
}

/** One Kinesis record to put in an event. */
export interface KinesisInput {
  readonly data: string | Uint8Array;
  readonly partitionKey?: string;
  /** Appended to the shard's sequence number prefix. */
  readonly sequence: number;
  readonly arrival?: number;
}

/** The sequence number the events here give record `sequence` (56 digits, like Kinesis's). */
export const kinesisSequence = (sequence: number) => `4959033827149025660855969253836157109592157598913658${String(sequence).padStart(4, '0')}`;

/** A Kinesis event from one shard, in sequence order. */
export function kinesisEvent(records: readonly KinesisInput[]): KinesisStreamEvent {
  return {
    Records: records.map(
      (record): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.partitionKey ?? '1',
          sequenceNumber: kinesisSequence(record.sequence),
          data: base64(record.data),
          approximateArrivalTimestamp: record.arrival ?? 1545084650.987,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000006:${kinesisSequence(record.sequence)}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
        awsRegion: 'us-east-2',
        eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
      }),
    ),
  };
}

/** A Lambda context whose `getRemainingTimeInMillis()` runs down from `remainingMs` with the clock. */
export function lambdaContext(remainingMs: number): { getRemainingTimeInMillis(): number } {
  const deadline = performance.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())) };
}

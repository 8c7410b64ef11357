/**
 * `@dynamo-sink/lambda/sqs-dead-letter`: a dead-letter handler that sends each dead letter to an SQS queue. A separate
 * entry, so that `@aws-sdk/client-sqs` is loaded only by the functions that use it.
 */
import { SQSClient, SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_HEADERS } from '@dynamo-sink/kafka-common';
import { createHash } from 'node:crypto';
import type { DeadLetter, DeadLetterHandler } from './dead-letter.js';
import type { KafkaMessage } from './kafka-event.js';
import type { KinesisMessage } from './kinesis-event.js';
import type { SqsMessage } from './sqs-event.js';

/** The message attributes a dead letter carries: the Kafka adapters' dead-letter header names, plus a few of SQS's own. */
export const SQS_DEAD_LETTER_ATTRIBUTES = {
  ...DEAD_LETTER_HEADERS,
  /** `kafka`, `sqs` or `kinesis`. */
  source: 'dead-letter.source',
  /** The SQS `messageId` or Kinesis `sequenceNumber` (Kafka letters carry topic, partition and offset instead). */
  id: 'dead-letter.id',
  /** How the body holds the payload: `utf-8` (as it was), `base64` (bytes that are not SQS text), or `none` (no payload). */
  encoding: 'dead-letter.encoding',
  /** The Kafka message key (a Binary attribute). */
  key: 'dead-letter.key',
  /** The Kinesis partition key. */
  partitionKey: 'dead-letter.partition-key',
} as const;

/** What `deadLetterToSqs` sends with: an `SQSClient`, or anything that sends a `SendMessageCommand` the same way. */
export interface SqsSender {
  send(command: SendMessageCommand): Promise<unknown>;
}

/** Options of {@link deadLetterToSqs}. */
export interface SqsDeadLetterOptions {
  /** The client to send with. @default an `SQSClient` created on the first letter, configured from the environment (Lambda's region and role) */
  readonly client?: SqsSender;
  /**
   * For a FIFO queue (a URL ending in `.fifo`), the message group of each letter.
   * @default the letter's own order: its Kafka `topic-partition`, SQS `MessageGroupId` or Kinesis partition key
   */
  readonly messageGroupId?: (letter: DeadLetter<unknown, LambdaMessage>) => string;
}

/** The message of any of the handlers. */
export type LambdaMessage = KafkaMessage | SqsMessage | KinesisMessage;

/** Longest error text sent, in characters; SQS counts attributes against the message's size. */
const MAX_ERROR_CHARS = 2_000;

/**
 * A dead-letter handler for any of the handlers that sends each letter to the SQS queue at `queueUrl`: the body is the
 * payload as it came (the Kafka value, the SQS body, the Kinesis data) when it is text SQS accepts, else base64; the
 * message attributes say why (`dead-letter.reason`, `dead-letter.error`, `dead-letter.field`) and where it came
 * from (`dead-letter.source`, and `dead-letter.topic`, `.partition`, `.offset`, `.timestamp`, `.key` for Kafka,
 * `dead-letter.id` for SQS and Kinesis, `.partition-key` for Kinesis), `dead-letter.encoding` how to read the body.
 * The record is done once SQS has accepted the message; if sending fails, the record is reported to Lambda and comes
 * back. On a FIFO queue, the deduplication id is derived from the record's identity, so a record dead-lettered twice
 * within SQS's five-minute window is kept once. The execution role needs `sqs:SendMessage` on the queue.
 *
 * @example
 * import { deadLetterToSqs } from '@dynamo-sink/lambda/sqs-dead-letter';
 * export const handler = sqsHandler({ sink, onDeadLetter: deadLetterToSqs(process.env.DEAD_LETTER_QUEUE_URL!) });
 */
export function deadLetterToSqs(queueUrl: string, options: SqsDeadLetterOptions = {}): DeadLetterHandler<unknown, LambdaMessage> {
  if (typeof queueUrl !== 'string' || !/^https?:\/\//.test(queueUrl)) {
    throw new TypeError(`Expected \`queueUrl\` to be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got ${String(queueUrl)}`);
  }
  if (options.client !== undefined && typeof options.client?.send !== 'function') {
    throw new TypeError('Expected `client` to be an SQSClient (something with a send(command) method)');
  }
  const fifo = queueUrl.endsWith('.fifo');
  let client = options.client;
  return async (letter) => {
    client ??= new SQSClient({});
    const { body, encoding } = bodyOf(letter.message.value);
    const command = new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: attributesOf(letter, encoding),
      ...(fifo ? { MessageGroupId: options.messageGroupId?.(letter) ?? naturalGroup(letter), MessageDeduplicationId: deduplicationId(letter) } : {}),
    });
    await client.send(command);
  };
}

type Encoding = 'utf-8' | 'base64' | 'none';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// What SQS accepts in a message body or String attribute: #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF.
const NOT_SQS_TEXT = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function bodyOf(payload: Uint8Array | null): { body: string; encoding: Encoding } {
  // SQS refuses an empty body.
  if (payload === null || payload.length === 0) return { body: '-', encoding: 'none' };
  try {
    const text = utf8.decode(payload);
    if (!NOT_SQS_TEXT.test(text)) return { body: text, encoding: 'utf-8' };
  } catch {
    // Not UTF-8: sent as base64 below.
  }
  return { body: Buffer.from(payload).toString('base64'), encoding: 'base64' };
}

function attributesOf(letter: DeadLetter<unknown, LambdaMessage>, encoding: Encoding): Record<string, MessageAttributeValue> {
  const names = SQS_DEAD_LETTER_ATTRIBUTES;
  const attributes: Record<string, MessageAttributeValue> = {};
  const text = (name: string, value: string) => {
    attributes[name] = { DataType: 'String', StringValue: value };
  };
  text(names.reason, letter.reason);
  text(names.error, sqsText(letter.error.message).slice(0, MAX_ERROR_CHARS) || letter.error.name || 'Error');
  if (letter.field !== undefined && letter.field !== '') text(names.field, sqsText(letter.field));
  text(names.source, letter.source);
  text(names.encoding, encoding);
  const message = letter.message;
  if (letter.source === 'kafka') {
    const kafka = message as KafkaMessage;
    text(names.topic, sqsText(kafka.topic));
    attributes[names.partition] = { DataType: 'Number', StringValue: String(kafka.partition) };
    attributes[names.offset] = { DataType: 'Number', StringValue: kafka.offset };
    if (kafka.timestamp !== undefined) attributes[names.timestamp] = { DataType: 'Number', StringValue: String(kafka.timestamp) };
    if (kafka.key !== null && kafka.key.length > 0) attributes[names.key] = { DataType: 'Binary', BinaryValue: kafka.key };
  } else {
    text(names.id, letter.id);
    if (letter.source === 'kinesis') text(names.partitionKey, sqsText((message as KinesisMessage).partitionKey));
  }
  return attributes;
}

/** Text with what SQS refuses replaced by U+FFFD. */
function sqsText(text: string): string {
  return NOT_SQS_TEXT.test(text) ? text.replace(new RegExp(NOT_SQS_TEXT.source, 'gu'), '\uFFFD') : text;
}

function naturalGroup(letter: DeadLetter<unknown, LambdaMessage>): string {
  if (letter.source === 'kafka') return (letter.message as KafkaMessage).topicPartition;
  if (letter.source === 'kinesis') return (letter.message as KinesisMessage).partitionKey;
  return (letter.message as SqsMessage).event.attributes?.MessageGroupId ?? 'dead-letters';
}

function deduplicationId(letter: DeadLetter<unknown, LambdaMessage>): string {
  return createHash('sha256').update(`${letter.source}\n${letter.id}`).digest('hex');
}

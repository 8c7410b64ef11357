// deadLetterToSqs through the real SQSClient, against a local endpoint that speaks SQS's JSON protocol for
// SendMessage (and answers with the body's MD5, which the client checks).
import { SQSClient } from '@aws-sdk/client-sqs';
import { MemorySink } from '@dynamo-sink/core';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kafkaHandler, kinesisHandler, sqsHandler } from '../src/index.js';
import { deadLetterToSqs, SQS_DEAD_LETTER_ATTRIBUTES } from '../src/sqs-dead-letter.js';
import { kinesisEvent, kinesisSequence, mskEvent, sqsEvent } from './support/events.js';

interface SentMessage {
  QueueUrl: string;
  MessageBody: string;
  MessageAttributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

let server: Server;
let endpoint: string;
let client: SQSClient;
const sent: SentMessage[] = [];
let failNext = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentMessage;
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target !== 'AmazonSQS.SendMessage' || failNext > 0) {
        failNext = Math.max(0, failNext - 1);
        response.statusCode = 400;
        response.end(json({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }));
        return;
      }
      sent.push(input);
      response.end(json({ MessageId: `id-${sent.length}`, MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  sent.length = 0;
  failNext = 0;
});

const json = (value: unknown) => JSON.stringify(value);
const A = SQS_DEAD_LETTER_ATTRIBUTES;
const attributeValues = (message: SentMessage) =>
  Object.fromEntries(Object.entries(message.MessageAttributes).map(([name, value]) => [name, value.StringValue ?? value.BinaryValue]));

describe('deadLetterToSqs', () => {
  it('sends an SQS message that cannot be written with its body as it was, and why', async () => {
    const queueUrl = `${endpoint}/123456789012/orders-dead-letters`;
    const handler = sqsHandler({ sink: new MemorySink(), onDeadLetter: deadLetterToSqs(queueUrl, { client }) });
    await expect(handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }, { id: 'm2', body: 'not json, but text' }]))).resolves.toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.QueueUrl).toBe(queueUrl);
    expect(sent[0]!.MessageBody).toBe('not json, but text');
    expect(attributeValues(sent[0]!)).toEqual({
      [A.reason]: 'invalid-message',
      [A.error]: expect.stringMatching(/^The message value is not JSON/),
      [A.source]: 'sqs',
      [A.encoding]: 'utf-8',
      [A.id]: 'm2',
    });
  });

  it('sends a Kafka value that is not text as base64, with topic, partition, offset, timestamp and the key as bytes; FIFO gets group and deduplication ids', async () => {
    const handler = kafkaHandler({ sink: new MemorySink(), onDeadLetter: deadLetterToSqs(`${endpoint}/123456789012/dead-letters.fifo`, { client }) });
    await handler(mskEvent([{ topic: 'orders', partition: 2, offset: 41, key: Buffer.from([0, 1, 2]), value: Buffer.from([0xc3, 0x28]), timestamp: 1667844200703 }]));
    expect(sent).toHaveLength(1);
    const [message] = sent;
    expect(Buffer.from(message!.MessageBody, 'base64')).toEqual(Buffer.from([0xc3, 0x28]));
    expect(attributeValues(message!)).toEqual({
      [A.reason]: 'invalid-message',
      [A.error]: 'The message value is not UTF-8 text; expected a JSON object',
      [A.source]: 'kafka',
      [A.encoding]: 'base64',
      [A.topic]: 'orders',
      [A.partition]: '2',
      [A.offset]: '41',
      [A.timestamp]: '1667844200703',
      [A.key]: Buffer.from([0, 1, 2]).toString('base64'),
    });
    expect(message!.MessageAttributes[A.key]!.DataType).toBe('Binary');
    expect(message!.MessageGroupId).toBe('orders-2');
    expect(message!.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the field at fault and the Kinesis partition key', async () => {
    const sink = new MemorySink();
    const failing = { write: async (records: readonly { value: unknown }[]) => ({ written: 0, failed: records.map((record, index) => ({ record, index, reason: 'invalid-key' as const, field: 'id', error: new Error('no id') })) }) };
    const handler = kinesisHandler({ sink: failing as unknown as typeof sink, onDeadLetter: deadLetterToSqs(`${endpoint}/123456789012/dl`, { client }) });
    await expect(handler(kinesisEvent([{ data: json({ n: 1 }), partitionKey: 'device-9', sequence: 3 }]))).resolves.toEqual({ batchItemFailures: [] });
    expect(attributeValues(sent[0]!)).toMatchObject({ [A.reason]: 'invalid-key', [A.field]: 'id', [A.error]: 'no id', [A.id]: kinesisSequence(3), [A.partitionKey]: 'device-9' });
    expect(sent[0]!.MessageBody).toBe(json({ n: 1 }));
  });

  it('leaves the record reported when SQS refuses the message', async () => {
    failNext = 1;
    const handler = sqsHandler({ sink: new MemorySink(), writesInFlight: 1, onDeadLetter: deadLetterToSqs(`${endpoint}/123456789012/missing`, { client }) });
    await expect(handler(sqsEvent([{ id: 'm1', body: '{' }, { id: 'm2', body: '[' }]))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sent.map((message) => message.MessageBody)).toEqual(['[']);
  });

  it('refuses what is not a queue URL', () => {
    expect(() => deadLetterToSqs('orders-dead-letters')).toThrow('Expected `queueUrl` to be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got orders-dead-letters');
  });
});

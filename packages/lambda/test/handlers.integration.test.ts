// The handlers writing into real DynamoDB APIs through DynamoSink: dynalite in this process and AWS's DynamoDB Local
// in Java, the same scenarios on each. Every time, the table holds exactly the records the handler counts as written,
// and the response names exactly the others (Kinesis: the lowest of the others; Kafka: throws naming them).
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSink, type DynamoSinkOptions, type Sink } from '@dynamo-sink/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, startDynalite, startDynamoDBLocal, startFaultyEndpoint, type TestServer } from '@dynamo-sink/test-servers';
import { kafkaHandler, kinesisHandler, LambdaBatchError, sqsHandler, type BatchSummary, type DeadLetter } from '../src/index.js';
import { kinesisEvent, kinesisSequence, lambdaContext, mskEvent, sqsEvent, type SqsInput } from './support/events.js';

const FAST_RETRY = { minTimeout: 0, maxTimeout: 5, factor: 2 };
let tableCounter = 0;
const newTable = (prefix: string) => `lambda-${prefix}-${process.pid}-${++tableCounter}`;
const json = (value: unknown) => JSON.stringify(value);
const messages = (count: number, prefix = 'r'): SqsInput[] => Array.from({ length: count }, (_, index) => ({ id: `m${index}`, body: json({ id: `${prefix}${index}`, n: index }) }));
const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) => response.batchItemFailures.map((failure) => failure.itemIdentifier);

/** The `id` of every item in the table, sorted. */
async function tableIds(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const ids: string[] = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    ids.push(...(page.Items ?? []).map((item) => item.id?.S ?? '?'));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return ids.sort();
}

const sorted = (values: readonly string[]) => [...values].sort();

describe.each([
  ['dynalite', () => startDynalite()],
  ['DynamoDB Local', () => startDynamoDBLocal()],
])('handlers into DynamoSink on %s', (_name, start) => {
  let server: TestServer;
  let client: DynamoDBClient;
  const sinks: { close(): Promise<void> }[] = [];
  const sinkOn = (endpoint: string, options: Omit<DynamoSinkOptions, 'client' | 'tableName'> & { tableName: string }) => {
    const sink = new DynamoSink({ client: makeClient(endpoint), retry: FAST_RETRY, createTable: true, ...options });
    sinks.push(sink);
    return sink;
  };

  beforeAll(async () => {
    server = await start();
    client = makeClient(server.endpoint);
  });
  afterAll(async () => {
    await Promise.all(sinks.map((sink) => sink.close()));
    client?.destroy();
    await server?.close();
  });

  it('SQS, all good: every message lands, nothing is reported', async () => {
    const tableName = newTable('sqs-good');
    const handler = sqsHandler({ sink: sinkOn(server.endpoint, { tableName, partitionKey: 'id' }) });
    const event = sqsEvent(messages(120));
    await expect(handler(event, lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
    expect(await tableIds(client, tableName)).toEqual(sorted(messages(120).map((message) => JSON.parse(message.body).id)));
  });

  it('SQS, some poison and no onDeadLetter: the table holds the good ones, the response names exactly the poison', async () => {
    const tableName = newTable('sqs-poison');
    const handler = sqsHandler({ sink: sinkOn(server.endpoint, { tableName, partitionKey: 'id' }) });
    const good = messages(40);
    const poison: SqsInput[] = [
      { id: 'p-json', body: '{"id": "broken",' },
      { id: 'p-no-key', body: json({ n: 1 }) },
      { id: 'p-number', body: '{"id":"huge","n":1e999}' },
      { id: 'p-long-key', body: json({ id: 'x'.repeat(2049) }) },
    ];
    const event = sqsEvent([...good.slice(0, 10), poison[0]!, ...good.slice(10, 25), poison[1]!, poison[2]!, ...good.slice(25), poison[3]!]);
    const response = await handler(event, lambdaContext(60_000));
    expect(failures(response)).toEqual(['p-json', 'p-no-key', 'p-number', 'p-long-key']);
    expect(await tableIds(client, tableName)).toEqual(sorted(good.map((message) => JSON.parse(message.body).id)));
  });

  it('SQS, a throttled endpoint whose retries run out: what was written is in the table, the rest is reported', async () => {
    const tableName = newTable('sqs-throttled');
    // Call 1 passes; call 2 and both its retries are throttled, so that write rejects and the handler stops there.
    const proxy = await startFaultyEndpoint(server.endpoint, {
      script: [{ kind: 'pass' }, { kind: 'throttle' }, { kind: 'throttle', error: 'ThrottlingException' }, { kind: 'throttle' }],
    });
    try {
      const sink = sinkOn(proxy.endpoint, { tableName, partitionKey: 'id', maxRetries: 2 });
      const summaries: BatchSummary[] = [];
      const handler = sqsHandler({ sink, recordsPerWrite: 25, writesInFlight: 1, onSummary: (summary) => summaries.push(summary) });
      const event = sqsEvent(messages(100));
      const response = await handler(event, lambdaContext(60_000));
      expect(failures(response)).toEqual(messages(100).slice(25).map((message) => message.id));
      expect(await tableIds(client, tableName)).toEqual(sorted(messages(25).map((message) => JSON.parse(message.body).id)));
      expect(proxy.stats.faults.throttle).toBe(3);
      expect(summaries[0]).toMatchObject({ written: 25, unwritten: 75 });
      expect(String((summaries[0]!.errors[0] as Error).message)).toMatch(/throughput|Rate of requests/);
    } finally {
      await proxy.close();
    }
  });

  it('SQS, a throttled endpoint that recovers within the retries: everything lands, nothing is reported', async () => {
    const tableName = newTable('sqs-recovers');
    const proxy = await startFaultyEndpoint(server.endpoint, { script: [{ kind: 'throttle' }, { kind: 'unprocessed', items: 10 }, { kind: 'throttle' }] });
    try {
      const handler = sqsHandler({ sink: sinkOn(proxy.endpoint, { tableName, partitionKey: 'id' }), recordsPerWrite: 25 });
      await expect(handler(sqsEvent(messages(75)), lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
      expect(await tableIds(client, tableName)).toHaveLength(75);
      expect(proxy.stats.faults.throttle).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('SQS, the time budget runs out mid-batch: the table holds the writes that finished, the response names the rest', async () => {
    const tableName = newTable('sqs-budget');
    const dynamo = sinkOn(server.endpoint, { tableName, partitionKey: 'id' });
    await dynamo.open();
    // The third write call waits until released: it is running when the budget (1,800 - 1,000 = 800 ms) runs out.
    let calls = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowThird: Sink = {
      async write(records) {
        if (++calls === 3) await released;
        return dynamo.write(records);
      },
    };
    const summaries: BatchSummary[] = [];
    const handler = sqsHandler({ sink: slowThird, recordsPerWrite: 10, writesInFlight: 1, onSummary: (summary) => summaries.push(summary) });
    const event = sqsEvent(messages(50));
    const response = await handler(event, lambdaContext(1800));
    expect(failures(response)).toEqual(messages(50).slice(20).map((message) => message.id));
    expect(await tableIds(client, tableName)).toEqual(sorted(messages(20).map((message) => JSON.parse(message.body).id)));
    expect(summaries[0]).toMatchObject({ written: 20, unwritten: 30, timedOut: true });
    release();
  });

  it('Kinesis, poison taken by onDeadLetter and a write that runs out of retries: the response is the lowest sequence number not written', async () => {
    const tableName = newTable('kinesis');
    const proxy = await startFaultyEndpoint(server.endpoint, { script: [{ kind: 'pass' }, { kind: 'throttle' }, { kind: 'throttle' }] });
    try {
      const letters: DeadLetter[] = [];
      const handler = kinesisHandler({
        sink: sinkOn(proxy.endpoint, { tableName, partitionKey: 'id', maxRetries: 1 }),
        recordsPerWrite: 10,
        writesInFlight: 1,
        onDeadLetter: (letter) => void letters.push(letter),
      });
      const records = Array.from({ length: 30 }, (_, index) => ({ data: index === 4 ? 'not json' : json({ id: `k${index}` }), partitionKey: `p${index % 3}`, sequence: index }));
      const response = await handler(kinesisEvent(records), lambdaContext(60_000));
      // Records 0-10 (but the poison 4) went in the first call; the second call (records 11-20) ran out of retries.
      expect(failures(response)).toEqual([kinesisSequence(11)]);
      expect(letters.map((letter) => letter.id)).toEqual([kinesisSequence(4)]);
      const written = records.slice(0, 11).filter((_, index) => index !== 4).map((record) => JSON.parse(record.data as string).id as string);
      expect(await tableIds(client, tableName)).toEqual(sorted(written));
    } finally {
      await proxy.close();
    }
  });

  it('Kafka, records keyed by the message key: a tombstone deletes the item; a poison record without onDeadLetter fails the invocation', async () => {
    const tableName = newTable('kafka');
    const sink = sinkOn(server.endpoint, { tableName, partitionKey: 'id=key' });
    const handler = kafkaHandler({ sink });
    const first = mskEvent([
      { offset: 1, key: 'order-1', value: json({ status: 'new' }) },
      { offset: 2, key: 'order-2', value: json({ status: 'new' }) },
      { partition: 1, offset: 7, key: 'order-3', value: json({ status: 'new' }) },
    ]);
    await expect(handler(first, lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
    expect(await tableIds(client, tableName)).toEqual(['order-1', 'order-2', 'order-3']);

    const second = mskEvent([
      { offset: 3, key: 'order-2', value: null },
      { offset: 4, key: 'order-4', value: '{"status": ' },
      { partition: 1, offset: 8, key: 'order-5', value: json({ status: 'new' }) },
    ]);
    const error = await handler(second, lambdaContext(60_000)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(LambdaBatchError);
    expect((error as LambdaBatchError).notDone).toEqual(['mytopic-0@4']);
    // What was written stays written; the retry of the whole batch writes it again.
    expect(await tableIds(client, tableName)).toEqual(['order-1', 'order-3', 'order-5']);
  });

  it('Kafka with reportBatchItemFailures: the records from the lowest offset not written on, per partition', async () => {
    const tableName = newTable('kafka-report');
    const handler = kafkaHandler({ sink: sinkOn(server.endpoint, { tableName, partitionKey: 'id' }), reportBatchItemFailures: true });
    const event = mskEvent([
      { offset: 10, value: json({ id: 'a10' }) },
      { offset: 11, value: json({ nokey: true }) },
      { offset: 12, value: json({ id: 'a12' }) },
      { partition: 2, offset: 5, value: json({ id: 'b5' }) },
    ]);
    await expect(handler(event, lambdaContext(60_000))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'mytopic-0', offset: 11 } }, { itemIdentifier: { partition: 'mytopic-0', offset: 12 } }],
    });
    expect(await tableIds(client, tableName)).toEqual(['a10', 'a12', 'b5']);
  });
});

// The handlers against MemorySink and ScriptedSink: decoding, the identifier each source reports, dead letters, and
// what a rejected write or the time budget leaves reported. The same against DynamoDB: handlers.integration.test.ts.
import { ConfigError, MemorySink, WriteError, type Sink, type SinkRecord, type WriteResult } from '@dynamo-sink/core';
import { ScriptedSink } from '@dynamo-sink/core/testing';
import type { KinesisStreamHandler, SQSHandler } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  kafkaHandler,
  kinesisHandler,
  LambdaBatchError,
  sqsHandler,
  type BatchSummary,
  type DeadLetter,
  type KafkaMessage,
  type SqsMessage,
} from '../src/index.js';
import { kinesisEvent, kinesisSequence, lambdaContext, mskEvent, selfManagedKafkaEvent, sqsEvent } from './support/events.js';

type Value = Record<string, unknown>;
const json = (value: unknown) => JSON.stringify(value);
const ids = (records: readonly SinkRecord<unknown>[]) => records.map((record) => (record.value as Value | null)?.id ?? null);
const failIf = (...bad: string[]) => (record: SinkRecord<Value>) => (bad.includes(String(record.value?.id)) ? ('invalid-key' as const) : undefined);

async function rejection(promise: Promise<unknown>): Promise<LambdaBatchError> {
  try {
    await promise;
  } catch (error) {
    return error as LambdaBatchError;
  }
  throw new Error('expected the handler to throw');
}

describe('sqsHandler', () => {
  it('writes each body as lossless JSON with its sent time, queue name and message attributes; reports nothing when all are written', async () => {
    const sink = new MemorySink<Value>();
    const summaries: BatchSummary[] = [];
    const handler = sqsHandler({ sink, onSummary: (summary) => summaries.push(summary) });
    const event = sqsEvent([
      { id: 'm1', body: '{"id":"a","account":12345678901234567890,"n":1.5}', attributes: { tenant: { stringValue: 'acme', dataType: 'String' }, blob: { binaryValue: Buffer.from([1, 2]).toString('base64'), dataType: 'Binary' } } },
      { id: 'm2', body: '{"id":"b"}', sentTimestamp: 1667844200703 },
    ]);
    await expect(handler(event, lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
    const [first, second] = sink.records;
    expect(String((first!.value.account as { value: string }).value)).toBe('12345678901234567890');
    expect(first).toMatchObject({ value: { id: 'a', n: 1.5 }, timestamp: new Date(1545082649183), topic: 'my-queue', headers: { tenant: 'acme', blob: Buffer.from([1, 2]) } });
    expect(second).toEqual({ value: { id: 'b' }, timestamp: new Date(1667844200703), topic: 'my-queue' });
    expect(summaries).toEqual([{ source: 'sqs', records: 2, written: 2, stale: 0, deadLettered: 0, failed: 0, unwritten: 0, timedOut: false, errors: [] }]);
  });

  it('reports exactly the messages that cannot be written when there is no onDeadLetter', async () => {
    const sink = new ScriptedSink<Value>({ failRecord: failIf('bad-key') });
    const handler = sqsHandler({ sink });
    const event = sqsEvent([
      { id: 'm1', body: json({ id: 'a' }) },
      { id: 'm2', body: '{"id": "broken",' },
      { id: 'm3', body: json({ id: 'bad-key' }) },
      { id: 'm4', body: '["not", "an object"]' },
      { id: 'm5', body: json({ id: 'e' }) },
    ]);
    await expect(handler(event, lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }] });
    expect(ids(sink.written)).toEqual(['a', 'e']);
  });

  it('hands poison messages to onDeadLetter and reports only those it could not take', async () => {
    const sink = new ScriptedSink<Value>({ failRecord: failIf('bad-key') });
    const letters: DeadLetter<Value, SqsMessage>[] = [];
    const handler = sqsHandler({
      sink,
      onDeadLetter: (letter) => {
        if (letter.id === 'm4') throw new Error('dead-letter queue unavailable');
        letters.push(letter);
      },
    });
    const event = sqsEvent([
      { id: 'm1', body: json({ id: 'a' }) },
      { id: 'm2', body: 'not json' },
      { id: 'm3', body: json({ id: 'bad-key' }) },
      { id: 'm4', body: 'not json either' },
    ]);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm4' }] });
    expect(letters.map(({ id, reason, source }) => ({ id, reason, source }))).toEqual([
      { id: 'm2', reason: 'invalid-message', source: 'sqs' },
      { id: 'm3', reason: 'invalid-key', source: 'sqs' },
    ]);
    expect(letters[0]!.message.body).toBe('not json');
    expect(letters[0]!.error.message).toMatch(/not JSON/);
    expect(letters[1]!.record?.value).toEqual({ id: 'bad-key' });
  });

  it('on a FIFO queue, a message not done holds back the later messages of its group, and only those', async () => {
    const sink = new ScriptedSink<Value>({ failRecord: failIf('a2') });
    const handler = sqsHandler({ sink });
    const event = sqsEvent([
      { id: 'm1', body: json({ id: 'a1' }), groupId: 'A' },
      { id: 'm2', body: json({ id: 'b1' }), groupId: 'B' },
      { id: 'm3', body: json({ id: 'a2' }), groupId: 'A' },
      { id: 'm4', body: json({ id: 'b2' }), groupId: 'B' },
      { id: 'm5', body: json({ id: 'a3' }), groupId: 'A' },
    ]);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm5' }] });
  });

  it('after a write rejects, starts no further write: the rejected call and those after it are reported', async () => {
    const sink = new ScriptedSink<Value>({ rejectWrite: { when: (record) => record.value.id === 'c' } });
    const handler = sqsHandler({ sink, recordsPerWrite: 2, writesInFlight: 1 });
    const event = sqsEvent(['a', 'b', 'c', 'd', 'e', 'f'].map((id, index) => ({ id: `m${index + 1}`, body: json({ id }) })));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: ['m3', 'm4', 'm5', 'm6'].map((itemIdentifier) => ({ itemIdentifier })) });
    expect(ids(sink.written)).toEqual(['a', 'b']);
    expect(sink.calls).toHaveLength(2);
  });

  it('keeps what a WriteError says was written or failed, and reports what it left unwritten', async () => {
    const partial: Sink<Value> = {
      async write(records): Promise<WriteResult<Value>> {
        const failed = [{ record: records[1]!, index: 1, reason: 'invalid-value' as const, error: new Error('bad value') }];
        throw new WriteError<Value>('retries ran out', { unwritten: [records[2]!], written: 1, failed });
      },
    };
    const letters: string[] = [];
    const handler = sqsHandler({ sink: partial, onDeadLetter: (letter) => void letters.push(letter.id) });
    const event = sqsEvent(['a', 'b', 'c'].map((id, index) => ({ id: `m${index + 1}`, body: json({ id }) })));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
    expect(letters).toEqual(['m2']);
  });

  it('throws a LambdaBatchError naming the cause when a rejected write leaves nothing of the batch done', async () => {
    const sink = new ScriptedSink<Value>({ rejectWrite: { when: () => true } });
    const summaries: BatchSummary[] = [];
    const handler = sqsHandler({ sink, onSummary: (summary) => summaries.push(summary) });
    const error = await rejection(handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }, { id: 'm2', body: json({ id: 'b' }) }])));
    expect(error).toBeInstanceOf(LambdaBatchError);
    expect(error.message).toBe('2 of 2 records were not done: 2 unwritten; writing could not go on: 2 records were not written: scripted WriteError');
    expect(error.notDone).toEqual(['m1', 'm2']);
    expect(error.cause).toBeInstanceOf(WriteError);
    expect(summaries[0]).toMatchObject({ unwritten: 2, errors: [error.cause] });
  });

  it('waits out a sink that pushes back and hands it the same records again', async () => {
    const sink = new ScriptedSink<Value>({ backpressure: { times: 2, retryAfterMs: 5 } });
    const handler = sqsHandler({ sink });
    await expect(handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }]), lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
    expect(sink.calls.map((call) => call.outcome)).toEqual(['backpressure', 'backpressure', 'written']);
  });

  it('counts stale records (a newer version was stored) as done', async () => {
    const sink: Sink<Value> = { write: async (records) => ({ written: records.length - 1, stale: 1, failed: [] }) };
    const summaries: BatchSummary[] = [];
    const handler = sqsHandler({ sink, onSummary: (summary) => summaries.push(summary) });
    await expect(handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }, { id: 'm2', body: json({ id: 'b' }) }]))).resolves.toEqual({ batchItemFailures: [] });
    expect(summaries[0]).toMatchObject({ written: 1, stale: 1, unwritten: 0 });
  });

  it('stops before the time runs out: reports the writes still running and those never started', async () => {
    // Each call takes 300 ms; the budget is 1,750 - 1,000 = 750 ms: calls 1 and 2 finish, call 3 is running at the
    // deadline (and finishes later, unobserved), calls 4 and 5 never start.
    const sink = new ScriptedSink<Value>({ latencyMs: 300 });
    const summaries: BatchSummary[] = [];
    const handler = sqsHandler({ sink, recordsPerWrite: 2, writesInFlight: 1, timeMarginMs: 1000, onSummary: (summary) => summaries.push(summary) });
    const event = sqsEvent(Array.from({ length: 10 }, (_, index) => ({ id: `m${index}`, body: json({ id: `r${index}` }) })));
    const started = performance.now();
    const response = await handler(event, lambdaContext(1750));
    expect(performance.now() - started).toBeLessThan(900);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(summaries[0]).toMatchObject({ written: 4, unwritten: 6, timedOut: true });
    expect(sink.calls).toHaveLength(3);
    await sink.close(); // the cut-off call lands after the answer: its records were reported, and come back
    expect(ids(sink.written)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('reports a dead letter still being handed over when the time runs out', async () => {
    const sink = new MemorySink<Value>();
    const handler = sqsHandler({ sink, timeMarginMs: 1000, onDeadLetter: () => new Promise((resolve) => setTimeout(resolve, 2000)) });
    const response = await handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }, { id: 'm2', body: 'nope' }]), lambdaContext(1200));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('reports everything when the budget is over before it starts', async () => {
    const sink = new MemorySink<Value>();
    const handler = sqsHandler({ sink });
    const response = await handler(sqsEvent([{ id: 'm1', body: json({ id: 'a' }) }]), lambdaContext(500));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sink.records).toEqual([]);
  });

  it('is a handler of the aws-lambda types', () => {
    const handler: SQSHandler = sqsHandler({ sink: new MemorySink() });
    expect(typeof handler).toBe('function');
  });
});

describe('kinesisHandler', () => {
  it('decodes base64 data: the partition key as key, the sequence number as offset, the arrival time, the stream name', async () => {
    const sink = new MemorySink<Value>();
    const handler = kinesisHandler({ sink });
    await expect(handler(kinesisEvent([{ data: '{"id":"a","big":1234567890123456789012345}', partitionKey: 'user-7', sequence: 1, arrival: 1545084650.987 }]))).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(sink.records).toMatchObject([{ value: { id: 'a' }, key: 'user-7', offset: kinesisSequence(1), timestamp: new Date(1545084650987), topic: 'lambda-stream' }]);
    expect(String((sink.records[0]!.value.big as { value: string }).value)).toBe('1234567890123456789012345');
  });

  it('reports only the lowest sequence number not done: Lambda retries the shard from there', async () => {
    const sink = new ScriptedSink<Value>({ failRecord: failIf('c', 'e') });
    const handler = kinesisHandler({ sink });
    const event = kinesisEvent(['a', 'b', 'c', 'd', 'e'].map((id, index) => ({ data: json({ id }), sequence: index })));
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: kinesisSequence(2) }] });
    expect(ids(sink.written)).toEqual(['a', 'b', 'd']);
  });

  it('reports nothing once onDeadLetter took the poison records', async () => {
    const letters: string[] = [];
    const handler = kinesisHandler({ sink: new ScriptedSink<Value>({ failRecord: failIf('b') }), onDeadLetter: (letter) => void letters.push(`${letter.reason} ${letter.id}`) });
    const event = kinesisEvent([{ data: json({ id: 'a' }), sequence: 0 }, { data: json({ id: 'b' }), sequence: 1 }, { data: Buffer.from([0xff, 0xfe]), sequence: 2 }]);
    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(letters).toEqual([`invalid-key ${kinesisSequence(1)}`, `invalid-message ${kinesisSequence(2)}`]);
  });

  it('is a handler of the aws-lambda types', () => {
    const handler: KinesisStreamHandler = kinesisHandler({ sink: new MemorySink() });
    expect(typeof handler).toBe('function');
  });
});

describe('kafkaHandler', () => {
  it('makes records as the Kafka adapters do: base64 key and value, headers as bytes (the last of a name wins), ms timestamp, topic, partition, offset', async () => {
    const sink = new MemorySink<Value | null>();
    const handler = kafkaHandler({ sink });
    const event = mskEvent([
      { offset: 15, key: '{"tenant":"acme"}', value: '{"id":"a","n":12345678901234567890}', timestamp: 1667844200703, headers: [{ trace: [49] }, { trace: [50], signed: [-1, 127] }] },
      { partition: 3, offset: 7, key: null, value: json({ id: 'b' }) },
    ]);
    await expect(handler(event, lambdaContext(60_000))).resolves.toEqual({ batchItemFailures: [] });
    expect(sink.records[0]).toMatchObject({
      topic: 'mytopic',
      partition: 0,
      offset: '15',
      key: Buffer.from('{"tenant":"acme"}'),
      timestamp: new Date(1667844200703),
      headers: { trace: Buffer.from('2'), signed: Buffer.from([255, 127]) },
    });
    expect(String((sink.records[0]!.value!.n as { value: string }).value)).toBe('12345678901234567890');
    expect(sink.records[1]).toMatchObject({ value: { id: 'b' }, topic: 'mytopic', partition: 3, offset: '7', key: null });
  });

  it('turns a tombstone (null value) into a record with value null and its key: a delete for DynamoSink', async () => {
    const sink = new MemorySink<Value | null>();
    await kafkaHandler({ sink })(selfManagedKafkaEvent([{ offset: 3, key: 'order-1', value: null }]));
    expect(sink.records).toMatchObject([{ value: null, key: Buffer.from('order-1'), offset: '3' }]);
  });

  it('hands custom deserializers the decoded message', async () => {
    const seen: KafkaMessage[] = [];
    const sink = new MemorySink<string>();
    const handler = kafkaHandler({ sink, deserializer: (message: KafkaMessage) => (seen.push(message), message.value!.toString('utf8').toUpperCase()) });
    await handler(mskEvent([{ offset: 1, value: 'hello' }]));
    expect(sink.records.map((record) => record.value)).toEqual(['HELLO']);
    expect(seen[0]).toMatchObject({ topic: 'mytopic', partition: 0, offset: '1', topicPartition: 'mytopic-0', key: null });
    expect(seen[0]!.event.value).toBe(Buffer.from('hello').toString('base64'));
  });

  it('throws so that Lambda retries the whole batch when a record is not done (no confirmed partial response shape)', async () => {
    const sink = new ScriptedSink<Value | null>({ failRecord: (record) => (record.value?.id === 'b' ? 'invalid-key' : undefined) });
    const handler = kafkaHandler({ sink });
    const error = await rejection(handler(mskEvent([{ offset: 15, value: json({ id: 'a' }) }, { offset: 16, value: json({ id: 'b' }) }])));
    expect(error).toBeInstanceOf(LambdaBatchError);
    expect(error.notDone).toEqual(['mytopic-0@16']);
    expect(error.message).toBe(
      '1 of 2 records were not done: 1 that can never be written and no onDeadLetter took; failing the invocation so that Lambda retries the whole batch (first: mytopic-0@16)',
    );
  });

  it('does not throw once onDeadLetter took the poison records; the letter names topic, partition and offset', async () => {
    const letters: DeadLetter<Value | null, KafkaMessage>[] = [];
    const handler = kafkaHandler({ sink: new MemorySink<Value | null>(), onDeadLetter: (letter) => void letters.push(letter) });
    await expect(handler(mskEvent([{ offset: 15, value: json({ id: 'a' }) }, { offset: 16, value: '{oops' }]))).resolves.toEqual({ batchItemFailures: [] });
    expect(letters).toMatchObject([{ source: 'kafka', id: 'mytopic-0@16', reason: 'invalid-message', message: { topic: 'mytopic', partition: 0, offset: '16' } }]);
  });

  it('with reportBatchItemFailures, reports per partition every record from the lowest offset not done', async () => {
    const sink = new ScriptedSink<Value | null>({ failRecord: (record) => (record.value?.id === 'a16' ? 'invalid-key' : undefined) });
    const handler = kafkaHandler({ sink, reportBatchItemFailures: true });
    const event = mskEvent([
      { offset: 15, value: json({ id: 'a15' }) },
      { offset: 16, value: json({ id: 'a16' }) },
      { offset: 17, value: json({ id: 'a17' }) },
      { partition: 1, offset: 3, value: json({ id: 'b3' }) },
    ]);
    await expect(handler(event)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'mytopic-0', offset: 16 } }, { itemIdentifier: { partition: 'mytopic-0', offset: 17 } }],
    });
  });
});

describe('options and events', () => {
  it('refuses bad options at construction with a message naming the option', () => {
    expect(() => sqsHandler({} as never)).toThrow(new ConfigError('Expected `sink` to be a Sink with a write(records) method, such as DynamoSink'));
    expect(() => sqsHandler({ sink: new MemorySink(), recordsPerWrite: 0 })).toThrow('Expected `recordsPerWrite` to be a whole number >= 1, got 0');
    expect(() => kinesisHandler({ sink: new MemorySink(), timeMarginMs: -1 })).toThrow('Expected `timeMarginMs` to be a whole number >= 0, got -1');
    expect(() => kafkaHandler({ sink: new MemorySink(), onDeadLetter: 'queue' as never })).toThrow('Expected `onDeadLetter` to be a function or left out, got string');
    expect(() => kafkaHandler({ sink: new MemorySink(), reportBatchItemFailures: 'yes' as never })).toThrow('Expected `reportBatchItemFailures` to be a boolean, got string');
  });

  it('refuses an event of another source, naming what it expected', async () => {
    await expect(sqsHandler({ sink: new MemorySink() })(mskEvent([]) as never)).rejects.toThrow(/Expected an SQS event/);
    await expect(kafkaHandler({ sink: new MemorySink() })(sqsEvent([]) as never)).rejects.toThrow(/Expected a Kafka event/);
    await expect(kinesisHandler({ sink: new MemorySink() })({} as never)).rejects.toThrow(/Expected a Kinesis event/);
  });
});

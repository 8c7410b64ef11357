// DynamoSink's write semantics on the in-memory FakeDynamoDB: deletes, version guards, updates and routing, under
// faults, jitter and concurrent writes. The same workloads run against real servers in write-semantics.integration.
import { describe, expect, it } from 'vitest';
import { DynamoSink, WriteError, type DynamoSinkOptions, type SinkRecord, type WriteResult } from '../src/index.js';
import { FakeDynamoDB, type FakeDynamoDBOptions } from '../src/testing/index.js';
import { keyedChangelog, lastWinsModel, versionedChangelog, versionedModel, type Change } from './support/changelog-workload.js';

const NO_BACKOFF = { minTimeout: 0, maxTimeout: 0, factor: 1 };

function setup<V>(fakeOptions: FakeDynamoDBOptions, options: Omit<DynamoSinkOptions<V>, 'client'>, tables = ['events']) {
  const fake = new FakeDynamoDB(fakeOptions);
  for (const table of tables) fake.createTableSync(table, { partitionKey: 'id' });
  const sink = new DynamoSink<V>({ client: fake, retry: NO_BACKOFF, maxRetries: 50, ...options });
  return { fake, sink };
}

/** Writes a stream in calls of `size`, all at once, and adds up the results. */
async function writeConcurrently<V>(sink: DynamoSink<V>, stream: readonly SinkRecord<V>[], size: number) {
  const calls: Promise<WriteResult<V>>[] = [];
  for (let start = 0; start < stream.length; start += size) calls.push(sink.write(stream.slice(start, start + size)));
  const results = await Promise.all(calls);
  return {
    written: results.reduce((sum, result) => sum + result.written, 0),
    stale: results.reduce((sum, result) => sum + (result.stale ?? 0), 0),
    failed: results.reduce((sum, result) => sum + result.failed.length, 0),
  };
}

const byId = (items: Record<string, unknown>[]) => [...items].sort((a, b) => String(a.id).localeCompare(String(b.id)));
const modelItems = (model: Map<string, Record<string, unknown>>) => byId([...model.values()]);

describe('DynamoSink semantics: deletes', () => {
  it.each([
    { seed: 1, size: 7 },
    { seed: 2, size: 50 },
    { seed: 3, size: 500 },
  ])('ends as "last record wins, tombstones remove" under unprocessed items, throttling and jitter (seed $seed, writes of $size)', async ({ seed, size }) => {
    const stream = keyedChangelog({ records: 3_000, keys: 40, deleteRate: 0.3, seed });
    const { fake, sink } = setup<Change['value']>(
      { unprocessedRate: 0.2, throttleRate: 0.1, serverErrorRate: 0.05, jitterMs: 3, seed },
      { tableName: 'events', partitionKey: 'id=key', maxInFlight: 8 },
    );
    const totals = await writeConcurrently(sink, stream, size);
    await sink.close();
    expect(totals).toEqual({ written: 3_000, stale: 0, failed: 0 });
    expect(byId(fake.items('events'))).toEqual(modelItems(lastWinsModel(stream)));
    expect(fake.stats.unprocessedItems).toBeGreaterThan(0);
  });

  it('put, delete, put ends with the last put; put then delete ends with no item, in one write and across writes', async () => {
    const { fake, sink } = setup<Record<string, unknown> | null>({ latencyMs: 2 }, { tableName: 'events', partitionKey: 'id=key', maxInFlight: 1 });
    await sink.open();
    const busy = sink.write([{ key: 'x', value: { n: 0 } }]); // holds the only slot, so the rest queues and collapses
    const results = await Promise.all([
      busy,
      sink.write([{ key: 'a', value: { n: 1 } }, { key: 'a', value: null }, { key: 'a', value: { n: 3 } }]),
      sink.write([{ key: 'b', value: { n: 1 } }]),
      sink.write([{ key: 'b', value: null }]),
    ]);
    await sink.close();
    expect(results.map((result) => result.written)).toEqual([1, 3, 1, 1]);
    expect(byId(fake.items('events'))).toEqual([{ id: 'a', n: 3 }, { id: 'x', n: 0 }]);
  });

  it('fails a tombstone alone when the key specs read the value, naming the field and suggesting a source', async () => {
    const { fake, sink } = setup<Record<string, unknown> | null>({}, { tableName: 'events', partitionKey: 'id' });
    const result = await sink.write([{ value: { id: 'a' } }, { key: 'a', value: null }]);
    await sink.close();
    expect(result.written).toBe(1);
    expect(result.failed.map((f) => [f.index, f.reason, f.field])).toEqual([[1, 'invalid-key', 'id']]);
    expect(result.failed[0]!.error.message).toMatch(/tombstone.*id=key/);
    expect(fake.items('events')).toEqual([{ id: 'a' }]);
  });
});

describe('DynamoSink semantics: version-guarded writes', () => {
  it.each([1, 2])('applies shuffled versions in stream order per key, under throttling and 500s on single calls (seed %i)', async (seed) => {
    const stream = versionedChangelog({ records: 2_000, keys: 60, deleteRate: 0.1, duplicateRate: 0.05, badRate: 0.02, seed });
    const { fake, sink } = setup<Change['value']>(
      { throttleRate: 0.1, serverErrorRate: 0.05, jitterMs: 2, seed },
      {
        tableName: 'events',
        partitionKey: 'id',
        versionField: 'version',
        deleteMode: 'tombstone',
        deleteWhen: (record) => record.value?.deleted === true,
        maxInFlight: 16,
      },
    );
    const model = versionedModel(stream);
    expect(await writeConcurrently(sink, stream, 100)).toEqual({ written: model.written, stale: model.stale, failed: model.failed });
    const replay = await writeConcurrently(sink, [...stream].reverse(), 100);
    await sink.close();
    expect(replay).toEqual({ written: 0, stale: model.written + model.stale, failed: model.failed });
    expect(byId(fake.items('events'))).toEqual(modelItems(model.items));
    expect(fake.stats.errors.ConditionalCheckFailedException).toBeGreaterThan(0);
  });

  it('counts a lost condition as stale, never retried, and reports it on batchWritten', async () => {
    const events: { operation: string; written: number; stale: number }[] = [];
    const retries: string[] = [];
    const { fake, sink } = setup<Record<string, unknown>>(
      {},
      {
        tableName: 'events',
        partitionKey: 'id',
        versionField: 'v',
        events: { batchWritten: ({ operation, written, stale }) => events.push({ operation, written, stale }), retry: ({ reason }) => retries.push(reason) },
      },
    );
    expect(await sink.write([{ value: { id: 'a', v: 2, n: 'new' } }])).toEqual({ written: 1, stale: 0, failed: [] });
    expect(await sink.write([{ value: { id: 'a', v: 2, n: 'replay' } }, { value: { id: 'a', v: 1, n: 'old' } }])).toEqual({ written: 0, stale: 2, failed: [] });
    await sink.close();
    expect(fake.items('events')).toEqual([{ id: 'a', v: 2, n: 'new' }]);
    expect(events).toEqual([
      { operation: 'PutItem', written: 1, stale: 0 },
      { operation: 'PutItem', written: 0, stale: 1 },
      { operation: 'PutItem', written: 0, stale: 1 },
    ]);
    expect(retries).toEqual([]);
    expect(fake.stats.itemWriteCalls).toBe(3);
  });

  it('treats a stored item without a version as older than any', async () => {
    const { fake, sink } = setup<Record<string, unknown>>({}, { tableName: 'events', partitionKey: 'id', versionField: 'v' });
    await new DynamoSink({ client: fake, tableName: 'events', partitionKey: 'id' }).write([{ value: { id: 'a', legacy: true } }]);
    expect(await sink.write([{ value: { id: 'a', v: 1 } }])).toEqual({ written: 1, stale: 0, failed: [] });
    await sink.close();
    expect(fake.items('events')).toEqual([{ id: 'a', v: 1 }]);
  });
});

describe('DynamoSink semantics: partial updates', () => {
  it('applies every update of a key in order, none collapsed, and leaves attributes no record carries', async () => {
    const { fake, sink } = setup<Record<string, unknown>>({ jitterMs: 3, throttleRate: 0.2, seed: 9 }, { tableName: 'events', partitionKey: 'id', writeMode: 'update' });
    const records = Array.from({ length: 200 }, (_, i) => ({ value: { id: `k${i % 5}`, [`f${i % 7}`]: i, last: i } }));
    const totals = await writeConcurrently(sink, records, 10);
    await sink.close();
    expect(totals).toEqual({ written: 200, stale: 0, failed: 0 });
    const expected = new Map<string, Record<string, unknown>>();
    for (const { value } of records) expected.set(value.id as string, { ...expected.get(value.id as string), ...value });
    expect(byId(fake.items('events'))).toEqual(modelItems(expected));
    expect(fake.stats.itemWriteCalls).toBeGreaterThanOrEqual(200);
  });

  it('keeps the order of puts, updates and deletes of one key', async () => {
    const { fake, sink } = setup<Record<string, unknown> | null>({ jitterMs: 5, seed: 4 }, { tableName: 'events', partitionKey: 'id=key', writeMode: 'update' });
    const results = await Promise.all([
      sink.write([{ key: 'a', value: { x: 1, y: 1 } }]),
      sink.write([{ key: 'a', value: null }]),
      sink.write([{ key: 'a', value: { y: 2 } }]),
      sink.write([{ key: 'a', value: { z: 3 } }]),
    ]);
    await sink.close();
    expect(results.map((result) => result.written)).toEqual([1, 1, 1, 1]);
    expect(fake.items('events')).toEqual([{ id: 'a', y: 2, z: 3 }]);
  });
});

describe('DynamoSink semantics: table routing', () => {
  it('writes each record to its table, describing each table once, also for concurrent writes', async () => {
    const { fake, sink } = setup<Record<string, unknown>>({ latencyMs: 1 }, { tableName: (record) => `t-${record.topic}`, partitionKey: 'id' }, ['t-a', 't-b']);
    const records = Array.from({ length: 100 }, (_, i) => ({ topic: i % 2 ? 'a' : 'b', value: { id: `r${i}` } }));
    const results = await Promise.all([sink.write(records.slice(0, 50)), sink.write(records.slice(50))]);
    await sink.close();
    expect(results.map((result) => result.written)).toEqual([50, 50]);
    expect(fake.items('t-a')).toHaveLength(50);
    expect(fake.items('t-b')).toHaveLength(50);
    expect(fake.stats.calls.DescribeTable).toBe(2);
    expect(fake.stats.batchWriteCalls).toBe(4); // 100 records of two tables: 25 to a request, tables mixed
  });

  it('hands back only the records of a table that cannot be prepared; the others are written, and the next write tries again', async () => {
    const { fake, sink } = setup<Record<string, unknown>>({}, { tableName: (record) => `t-${record.topic}`, partitionKey: 'id' }, ['t-a']);
    const records = [
      { topic: 'a', value: { id: '1' } },
      { topic: 'missing', value: { id: '2' } },
      { topic: 'a', value: { id: '3' } },
    ];
    const error = (await sink.write(records).catch((e: unknown) => e)) as WriteError<Record<string, unknown>>;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.unwritten).toEqual([records[1]]);
    expect(error.written).toBe(2);
    expect(error.message).toBe('1 of 3 records were not written: Table "t-missing" does not exist; create it, or pass createTable: true to let the sink create it');
    fake.createTableSync('t-missing', { partitionKey: 'id' });
    expect(await sink.write([records[1]!])).toEqual({ written: 1, stale: 0, failed: [] });
    await sink.close();
    expect(fake.items('t-missing')).toEqual([{ id: '2' }]);
  });

  it('creates each missing table once with createTable, whatever the concurrency', async () => {
    const fake = new FakeDynamoDB({ latencyMs: 2, createTableMs: 5 });
    const sink = new DynamoSink<Record<string, unknown>>({ client: fake, tableName: (r) => `t-${r.topic}`, partitionKey: 'id', createTable: true, retry: NO_BACKOFF });
    const records = Array.from({ length: 60 }, (_, i) => ({ topic: `n${i % 3}`, value: { id: `r${i}` } }));
    const results = await Promise.all([sink.write(records), sink.write(records), sink.write(records)]);
    await sink.close();
    expect(results.map((result) => result.written)).toEqual([60, 60, 60]);
    expect(fake.stats.calls.CreateTable).toBe(3);
    for (const n of [0, 1, 2]) expect(fake.items(`t-n${n}`)).toHaveLength(20);
  });
});

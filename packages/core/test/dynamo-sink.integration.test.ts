// DynamoSink against real DynamoDB-compatible servers: dynalite in this process, and AWS's DynamoDB Local in Java.
import { CreateTableCommand, DescribeTableCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSink, WriteError, type DynamoSinkOptions, type SinkRecord } from '../src/index.js';
import { makeClient, startFaultyEndpoint, type TestServer } from '@dynamo-sink/test-servers';
import { SERVER_MATRIX } from './support/server-matrix.js';

const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };
const FAST_RETRY = { minTimeout: 0, maxTimeout: 5, factor: 2 };

let tableCounter = 0;
const newTable = (prefix: string) => `${prefix}-${process.pid}-${++tableCounter}`;

async function scan(client: DynamoDBClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName })) {
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
  }
  return items;
}

async function scanRaw(client: DynamoDBClient, tableName: string) {
  const items = [];
  for await (const page of paginateScan({ client }, { TableName: tableName })) items.push(...(page.Items ?? []));
  return items;
}

describe.each(SERVER_MATRIX)('DynamoSink on %s, transport %s', (_name, transport, start) => {
  let server: TestServer;
  let client: DynamoDBClient;
  const sinkOn = (endpoint: string, options: Omit<DynamoSinkOptions, 'client'>) =>
    new DynamoSink({ client: makeClient(endpoint), transport, retry: FAST_RETRY, ...options });

  beforeAll(async () => {
    server = await start();
    // The test's own reads and setup: a keep-alive socket the server closed while idle is tried again, as the SDK does
    // by default (the sinks' clients keep `maxAttempts: 1`: the sink does the retrying).
    client = makeClient(server.endpoint, { maxAttempts: 3 });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  describe("the sample's worked examples", () => {
    const cases = [
      {
        title: 'Example 1: copied fields',
        options: { partitionKey: 'key1', sortKey: 'key3' },
        item: { key1: { S: 'value1' }, key3: { S: 'value3' }, timestamp: { N: '1667844200703123' }, key2: { N: '10' } },
      },
      {
        title: 'Example 2 in UTC',
        options: { partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f' },
        item: {
          year_month: { S: '2022-11' },
          rest_of_ts: { S: '07-18:03:20.703123' },
          timestamp: { N: '1667844200703123' },
          key1: { S: 'value1' },
          key2: { N: '10' },
          key3: { S: 'value3' },
        },
      },
      {
        title: 'Example 2 in Europe/Berlin, exactly as the sample printed it',
        options: { partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f', timeZone: 'Europe/Berlin' },
        item: {
          year_month: { S: '2022-11' },
          rest_of_ts: { S: '07-19:03:20.703123' },
          timestamp: { N: '1667844200703123' },
          key1: { S: 'value1' },
          key2: { N: '10' },
          key3: { S: 'value3' },
        },
      },
      {
        title: 'Example 3 in UTC',
        options: { partitionKey: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f' },
        item: { my_date_time: { S: '2022-11-07T18:03:20.703123' }, timestamp: { N: '1667844200703123' }, key1: { S: 'value1' }, key2: { N: '10' }, key3: { S: 'value3' } },
      },
      {
        title: 'Example 3 in Europe/Berlin',
        options: { partitionKey: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f', timeZone: 'Europe/Berlin' },
        item: { my_date_time: { S: '2022-11-07T19:03:20.703123' }, timestamp: { N: '1667844200703123' }, key1: { S: 'value1' }, key2: { N: '10' }, key3: { S: 'value3' } },
      },
    ];
    for (const { title, options, item } of cases) {
      it(title, async () => {
        const tableName = newTable('seed');
        const sink = sinkOn(server.endpoint, { tableName, createTable: true, ...options });
        await expect(sink.write([{ value: SEED_MESSAGE }])).resolves.toEqual({ written: 1, stale: 0, failed: [] });
        await sink.close();
        expect(await scanRaw(client, tableName)).toEqual([item]);
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      });
    }
  });

  it('writes 10,000 records with duplicates and bad records mixed in: the newest of each key lands, each bad record fails alone', async () => {
    const tableName = newTable('mixed');
    // A secondary index the sink knows nothing of: only the server can refuse an item whose index key has the wrong type.
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'device', KeyType: 'HASH' }, { AttributeName: 'seq', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'device', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'S' },
          { AttributeName: 'region', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'by-region', KeySchema: [{ AttributeName: 'region', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const sink = sinkOn(server.endpoint, { tableName, partitionKey: 'device', sortKey: 'seq' });
    const records: SinkRecord<Record<string, unknown>>[] = [];
    const bad = new Map<number, string>();
    for (let i = 0; i < 10_000; i++) {
      const seq = String(i % 7_000).padStart(5, '0'); // 3,000 keys written twice; the later write must win
      if (i % 997 === 13) {
        bad.set(i, 'invalid-key');
        records.push({ value: { device: `d${i % 10}`, reading: i } }); // no sort key field
      } else if (i % 1_009 === 17) {
        bad.set(i, 'invalid-value');
        records.push({ value: { device: `d${i % 10}`, seq, reading: Number.NaN } });
      } else if (i % 2_503 === 19) {
        bad.set(i, 'item-too-large');
        records.push({ value: { device: `d${i % 10}`, seq, blob: 'x'.repeat(410_000) } });
      } else if (i % 3_001 === 23) {
        bad.set(i, 'invalid-key'); // DynamoDB allows at most 2048 bytes in a partition key: refused before it is sent
        records.push({ value: { device: 'd'.repeat(2_100), seq, reading: i } });
      } else if (i % 4_001 === 29) {
        bad.set(i, 'rejected');
        records.push({ value: { device: `d${i % 10}`, seq, region: 7 } });
      } else {
        records.push({ value: { device: `d${i % 10}`, seq, reading: i, tags: ['a', 'b'], meta: { ok: true, n: null } } });
      }
    }
    const chunks = Array.from({ length: 10 }, (_, c) => records.slice(c * 1_000, (c + 1) * 1_000));
    const results = await Promise.all(chunks.map((chunk) => sink.write(chunk)));
    await sink.close();

    const failed = results.flatMap((result, c) => result.failed.map((f) => ({ at: c * 1_000 + f.index, reason: f.reason, field: f.field })));
    expect(failed.map(({ at, reason }) => [at, reason])).toEqual([...bad.entries()].sort((a, b) => a[0] - b[0]));
    // A missing sort key names `seq`; an oversized partition key names `device`.
    expect(failed.filter((f) => f.reason === 'invalid-key').map((f) => [f.at, f.field])).toEqual(
      failed.filter((f) => f.reason === 'invalid-key').map((f) => [f.at, (records[f.at]!.value.device as string).length > 2048 ? 'device' : 'seq']),
    );
    expect(failed.some((f) => f.field === 'device')).toBe(true);
    expect(failed.filter((f) => f.reason === 'rejected')).toHaveLength(3);
    expect(failed.find((f) => f.reason === 'invalid-value')?.field).toBe('reading');
    expect(results.reduce((sum, result) => sum + result.written, 0)).toBe(10_000 - bad.size);

    const newest = new Map<string, Record<string, unknown>>();
    records.forEach((record, i) => {
      if (bad.has(i)) return;
      const value = record.value;
      newest.set(`${value.device}/${value.seq}`, value);
    });
    const items = await scan(client, tableName);
    expect(items).toHaveLength(newest.size);
    for (const item of items) expect(item).toEqual(newest.get(`${item.device}/${item.seq}`));
  });

  it('lets several sinks create the same table at once', async () => {
    const tableName = newTable('race');
    const sinks = Array.from({ length: 4 }, () => sinkOn(server.endpoint, { tableName, partitionKey: 'id', createTable: true }));
    const results = await Promise.all(sinks.map((sink, s) => sink.write([{ value: { id: `from-${s}` } }])));
    await Promise.all(sinks.map((sink) => sink.close()));
    expect(results.map((result) => result.written)).toEqual([1, 1, 1, 1]);
    expect((await scan(client, tableName)).map((item) => item.id).sort()).toEqual(['from-0', 'from-1', 'from-2', 'from-3']);
  });

  it('without createTable, a missing table is a WriteError naming the table and the option, holding every record', async () => {
    const tableName = newTable('missing');
    const sink = sinkOn(server.endpoint, { tableName, partitionKey: 'id' });
    const records = [{ value: { id: 'a' } }, { value: { id: 'b' } }];
    const error = await sink.write(records).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toBe(
      `${records.length} of ${records.length} records were not written: Table "${tableName}" does not exist; create it, or pass createTable: true to let the sink create it`,
    );
    expect((error as WriteError).unwritten).toEqual(records);
    await sink.close();
  });

  it('reads key types from an existing table: a numeric sort key takes numbers and refuses strings', async () => {
    const tableName = newTable('typed');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'device', KeyType: 'HASH' }, { AttributeName: 'seq', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'device', AttributeType: 'S' }, { AttributeName: 'seq', AttributeType: 'N' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const sink = sinkOn(server.endpoint, { tableName, partitionKey: 'device', sortKey: 'seq' });
    const result = await sink.write([{ value: { device: 'a', seq: 1 } }, { value: { device: 'a', seq: '2' } }, { value: { device: 'a', seq: 12345678901234567890n } }]);
    await sink.close();
    expect(result.written).toBe(2);
    expect(result.failed.map((f) => [f.index, f.reason, f.field, f.error.message])).toEqual([
      [1, 'invalid-key', 'seq', 'Key field "seq" must be a number (the table declares it N), got a string'],
    ]);
    expect((await scanRaw(client, tableName)).map((item) => item.seq)).toEqual([{ N: '1' }, { N: '12345678901234567890' }]);
  });

  it('through a faulty endpoint (unprocessed items, throttling, 500s, dropped connections) every record lands exactly once', async () => {
    const tableName = newTable('faults');
    const proxy = await startFaultyEndpoint(server.endpoint, {
      seed: 7,
      random: [
        { rate: 0.15, fault: { kind: 'unprocessed', items: 5 } },
        { rate: 0.05, fault: { kind: 'unprocessed', items: 'all' } },
        { rate: 0.1, fault: { kind: 'throttle' } },
        { rate: 0.05, fault: { kind: 'throttle', error: 'ThrottlingException' } },
        { rate: 0.1, fault: { kind: 'server-error' } },
        { rate: 0.05, fault: { kind: 'drop-before-upstream' } },
        { rate: 0.05, fault: { kind: 'drop-after-upstream' } },
      ],
    });
    const retries: string[] = [];
    const sink = sinkOn(proxy.endpoint, {
      tableName,
      partitionKey: 'id',
      createTable: true,
      maxRetries: 30,
      events: { retry: ({ reason }) => retries.push(reason) },
    });
    const records = Array.from({ length: 2_000 }, (_, i) => ({ value: { id: `r${i}`, n: i } }));
    const results = await Promise.all([sink.write(records.slice(0, 1_000)), sink.write(records.slice(1_000))]);
    await sink.close();
    await proxy.close();

    expect(results).toEqual([{ written: 1_000, stale: 0, failed: [] }, { written: 1_000, stale: 0, failed: [] }]);
    const items = await scan(client, tableName);
    expect(items).toHaveLength(2_000);
    expect(items.map((item) => item.n).sort((a, b) => Number(a) - Number(b))).toEqual(records.map((r) => r.value.n));
    expect(proxy.stats.faults.unprocessed).toBeGreaterThan(0);
    expect(proxy.stats.faults['drop-after-upstream']).toBeGreaterThan(0);
    expect([...new Set(retries)]).toEqual(
      expect.arrayContaining(['unprocessed', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'InternalServerError']),
    );
  });

  it('when retries run out, write rejects with exactly the records not written', async () => {
    const tableName = newTable('exhausted');
    // create the table through the server, then put a proxy in front that refuses every write
    await sinkOn(server.endpoint, { tableName, partitionKey: 'id', createTable: true }).open();
    const proxy = await startFaultyEndpoint(server.endpoint, { script: [], afterScript: { kind: 'throttle' } });
    const sink = sinkOn(proxy.endpoint, { tableName, partitionKey: 'id', maxRetries: 2 });
    const records = Array.from({ length: 30 }, (_, i) => ({ value: { id: `r${i}` } }));
    const error = (await sink.write(records).catch((e: unknown) => e)) as WriteError;
    await sink.close();
    await proxy.close();
    expect(error).toBeInstanceOf(WriteError);
    expect(error.unwritten).toHaveLength(30);
    expect(error.written).toBe(0);
    expect(error.message).toMatch(/^30 of 30 records were not written: BatchWriteItem to "exhausted-.*" failed \(retries ran out\): ProvisionedThroughputExceededException/);
    expect(proxy.stats.batchWriteCalls).toBe(2 * 3); // two requests (25 + 5 items), each tried 1 + maxRetries times
    expect(await scan(client, tableName)).toEqual([]);
  });
});

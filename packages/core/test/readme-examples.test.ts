// The README's examples, run as they are written there: if one stops working, the README is wrong.
import { describe, expect, it } from 'vitest';
import { DynamoSink, WriteError } from '../src/index.js';
import { FakeDynamoDB } from '../src/testing/index.js';

describe('README', () => {
  it('"Testing your code": a fake client with scripted throttling', async () => {
    const fake = new FakeDynamoDB({ unprocessedRate: 0.1, seed: 7 });
    fake.createTableSync('events', { partitionKey: 'id' });
    fake.failNext({ error: 'ProvisionedThroughputExceededException' });
    const sink = new DynamoSink({ tableName: 'events', partitionKey: 'id', client: fake, retry: { minTimeout: 0 } });

    await sink.write([{ value: { id: 'a', n: 1 } }]);
    expect(fake.items('events')).toEqual([{ id: 'a', n: 1 }]);
    expect(fake.stats.batchWriteCalls).toBe(2);
  });

  it('"Use": the Example 2 item in UTC', async () => {
    const fake = new FakeDynamoDB();
    const sink = new DynamoSink({
      tableName: 'events',
      partitionKey: 'year_month|%Y-%m',
      sortKey: 'rest_of_ts|%d-%H:%M:%S.%f',
      client: fake,
      createTable: true,
    });
    const { written, failed } = await sink.write([{ value: { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' } }]);
    await sink.close();
    expect({ written, failed }).toEqual({ written: 1, failed: [] });
    expect(fake.items('events')).toEqual([
      { year_month: '2022-11', rest_of_ts: '07-18:03:20.703123', timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' },
    ]);
  });

  it('"Use": a changelog mirrored with versions and tombstones', async () => {
    const fake = new FakeDynamoDB();
    const devices = new DynamoSink<Record<string, unknown> | null>({
      tableName: 'devices',
      partitionKey: 'device=key',
      versionField: '@timestamp',
      deleteMode: 'tombstone',
      client: fake,
      createTable: true,
    });
    const { written, stale } = await devices.write([
      { key: 'd1', timestamp: new Date('2026-01-01T00:00:02Z'), value: { state: 'on' } },
      { key: 'd1', timestamp: new Date('2026-01-01T00:00:01Z'), value: { state: 'off' } },
      { key: 'd2', timestamp: new Date('2026-01-01T00:00:03Z'), value: null },
    ]);
    await devices.close();
    expect({ written, stale }).toEqual({ written: 2, stale: 1 });
    const version = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
    expect(fake.items('devices', { wrapNumbers: (text) => BigInt(text) })).toEqual([
      { device: 'd1', state: 'on', version: version('2026-01-01T00:00:02Z') },
      { device: 'd2', deleted: true, version: version('2026-01-01T00:00:03Z') },
    ]);
  });

  it('credentials never appear in what the sink reports', async () => {
    const secret = 'wJalrXUtnFEMI-never-print-this';
    // Nothing listens on port 9: every request fails with a network error, retried, then given back.
    const sink = new DynamoSink({
      tableName: 'events',
      partitionKey: 'id',
      maxRetries: 1,
      retry: { minTimeout: 0, maxTimeout: 0 },
      clientConfig: { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDNEVERPRINT', secretAccessKey: secret } },
    });
    const error = (await sink.write([{ value: { id: 'a' } }]).catch((e: unknown) => e)) as WriteError;
    await sink.close();
    expect(error).toBeInstanceOf(WriteError);
    const everything = JSON.stringify({ message: error.message, cause: String(error.cause), stack: error.stack });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('AKIDNEVERPRINT');
  });
});

// Write semantics against real DynamoDB-compatible servers: deletes, version guards, tombstones, updates, TTL, routing.
import { DescribeTimeToLiveCommand, GetItemCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSink, type DynamoSinkOptions, type SinkRecord, type WriteResult } from '../src/index.js';
import { isBad, keyedChangelog, lastWinsModel, versionedChangelog, versionedModel, type Change, type ChangeValue } from './support/changelog-workload.js';
import { makeClient, startFaultyEndpoint, type TestServer } from '@dynamo-sink/test-servers';
import { SERVER_MATRIX } from './support/server-matrix.js';

const FAST_RETRY = { minTimeout: 0, maxTimeout: 5, factor: 2 };
let tableCounter = 0;
const newTable = (prefix: string) => `${prefix}-${process.pid}-${++tableCounter}`;

async function scan(client: DynamoDBClient, tableName: string): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  for await (const page of paginateScan({ client }, { TableName: tableName })) {
    for (const raw of page.Items ?? []) {
      // Versions in nanoseconds are past 2^53: those come back as bigints.
      const item = unmarshall(raw, { wrapNumbers: (text) => (Number.isSafeInteger(Number(text)) || !/^-?\d+$/.test(text) ? Number(text) : BigInt(text)) });
      items.set(item.id as string, item);
    }
  }
  return items;
}

/** Writes a stream in calls of `size` records, `concurrent` calls at a time, and adds up what they resolve to. */
async function writeAll<V>(sink: DynamoSink<V>, stream: readonly SinkRecord<V>[], size = 500, concurrent = 4) {
  const totals = { written: 0, stale: 0, failed: [] as { index: number; reason: string; field?: string | undefined }[] };
  const calls: Promise<void>[] = [];
  for (let start = 0; start < stream.length; start += size) {
    const offset = start;
    calls.push(
      sink.write(stream.slice(start, start + size)).then((result: WriteResult<V>) => {
        totals.written += result.written;
        totals.stale += result.stale ?? 0;
        for (const failure of result.failed) totals.failed.push({ index: offset + failure.index, reason: failure.reason, field: failure.field });
      }),
    );
    if (calls.length >= concurrent) await Promise.all(calls.splice(0));
  }
  await Promise.all(calls);
  return totals;
}

const sorted = (items: Map<string, Record<string, unknown>>) => [...items.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, item]) => item);

describe.each(SERVER_MATRIX)('Write semantics on %s, transport %s', (name, transport, start) => {
  let server: TestServer;
  let client: DynamoDBClient;
  const sinkOn = <V = ChangeValue | null>(endpoint: string, options: Omit<DynamoSinkOptions<V>, 'client'>) =>
    new DynamoSink<V>({ client: makeClient(endpoint), transport, retry: FAST_RETRY, createTable: true, ...options });

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

  it('mirrors 20,000 shuffled versioned changes with tombstones, and a reversed replay changes nothing', async () => {
    const tableName = newTable('versioned');
    const stream = versionedChangelog({ records: 20_000, keys: 500, deleteRate: 0.1, duplicateRate: 0.05, badRate: 0.01 });
    const options = {
      tableName,
      partitionKey: 'id',
      versionField: 'version',
      deleteMode: 'tombstone',
      deleteWhen: (record: Change) => record.value?.deleted === true,
      maxInFlight: 16,
    } as const;
    const model = versionedModel(stream);
    const sink = sinkOn(server.endpoint, options);
    const first = await writeAll(sink, stream);
    expect({ written: first.written, stale: first.stale, failed: first.failed.length }).toEqual({
      written: model.written,
      stale: model.stale,
      failed: model.failed,
    });
    expect(first.failed.every(({ index, reason }) => isBad(stream[index]!) && reason !== 'rejected')).toBe(true);
    expect(sorted(await scan(client, tableName))).toEqual(sorted(model.items));
    expect(model.stale).toBeGreaterThan(1_000); // the workload really does race old against new
    expect([...model.items.values()].filter((item) => item.deleted).length).toBeGreaterThan(10);

    const replay = [...stream].reverse();
    const second = await writeAll(sink, replay);
    await sink.close();
    const replayModel = versionedModel(replay, model.items);
    expect(replayModel.written).toBe(0);
    expect({ written: second.written, stale: second.stale, failed: second.failed.length }).toEqual({
      written: 0,
      stale: replayModel.stale,
      failed: replayModel.failed,
    });
    expect(sorted(await scan(client, tableName))).toEqual(sorted(model.items));
  }, 120_000);

  it('without a version guard, an ordered stream with tombstones ends as "last record wins, tombstones remove"', async () => {
    const tableName = newTable('keyed');
    const stream = keyedChangelog({ records: 5_000, keys: 300, deleteRate: 0.15 });
    const requests: string[] = [];
    const sink = sinkOn<Change['value']>(server.endpoint, {
      tableName,
      partitionKey: 'id=key',
      events: { batchWritten: ({ operation }) => requests.push(operation) },
    });
    const totals = await writeAll(sink, stream, 250, 8);
    await sink.close();
    expect(totals).toEqual({ written: 5_000, stale: 0, failed: [] });
    expect(new Set(requests)).toEqual(new Set(['BatchWriteItem'])); // puts and deletes ride in batches
    expect(sorted(await scan(client, tableName))).toEqual(sorted(lastWinsModel(stream)));
  }, 60_000);

  it('partial updates set what a record carries and keep the rest; the version guard and tombstones apply', async () => {
    const tableName = newTable('updates');
    const sink = sinkOn<Record<string, unknown> | null>(server.endpoint, {
      tableName,
      partitionKey: 'id',
      writeMode: 'update',
      versionField: 'version',
      deleteMode: 'tombstone',
      deleteWhen: (record) => record.value?.gone === true,
    });
    const results = [];
    results.push(await sink.write([{ value: { id: 'a', version: 1, name: 'first', status: 'new', 'odd name.#:x': 1 } }]));
    results.push(await sink.write([{ value: { id: 'a', version: 3, status: 'active' } }])); // name stays
    results.push(await sink.write([{ value: { id: 'a', version: 2, name: 'stale' } }])); // older: ignored
    results.push(await sink.write([{ value: { id: 'b', version: 5, name: 'b' } }, { value: { id: 'b', version: 6, gone: true } }]));
    results.push(await sink.write([{ value: { id: 'b', version: 4, name: 'too old to revive' } }]));
    results.push(await sink.write([{ value: { id: 'b', version: 7, name: 'revived' } }]));
    await sink.close();
    expect(results.map((result) => [result.written, result.stale, result.failed.length])).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [2, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const items = await scan(client, tableName);
    expect(items.get('a')).toEqual({ id: 'a', version: 3, name: 'first', status: 'active', 'odd name.#:x': 1 });
    // The update over the tombstone removed its marker and set what it carried.
    expect(items.get('b')).toEqual({ id: 'b', version: 7, name: 'revived' });
  });

  it('hard deletes under a version guard forget the version: an older put replayed later brings the item back', async () => {
    const tableName = newTable('hard');
    const sink = sinkOn<Record<string, unknown> | null>(server.endpoint, {
      tableName,
      partitionKey: 'id',
      versionField: 'version',
      deleteWhen: (record) => record.value?.gone === true,
    });
    expect(await sink.write([{ value: { id: 'a', version: 2, n: 1 } }])).toEqual({ written: 1, stale: 0, failed: [] });
    expect(await sink.write([{ value: { id: 'a', version: 1, gone: true } }])).toEqual({ written: 0, stale: 1, failed: [] });
    expect(await sink.write([{ value: { id: 'a', version: 3, gone: true } }])).toEqual({ written: 1, stale: 0, failed: [] });
    expect(await scan(client, tableName)).toEqual(new Map());
    expect(await sink.write([{ value: { id: 'a', version: 2, n: 1 } }])).toEqual({ written: 1, stale: 0, failed: [] });
    await sink.close();
    expect(sorted(await scan(client, tableName))).toEqual([{ id: 'a', version: 2, n: 1 }]);
  });

  it("versions from the record's time ('@timestamp'), keys from the record key and headers, expiry from ttl", async () => {
    const tableName = newTable('kafka-like');
    // dynalite has no UpdateTimeToLive: there the table is made first, and only DynamoDB Local shows TTL enabled.
    const ttlKnown = name === 'DynamoDB Local';
    if (!ttlKnown) await sinkOn(server.endpoint, { tableName, partitionKey: 'id=key.id', sortKey: 'tenant=header.tenant' }).open();
    const sink = sinkOn<Record<string, unknown> | null>(server.endpoint, {
      tableName,
      createTable: ttlKnown,
      partitionKey: 'id=key.id',
      sortKey: 'tenant=header.tenant',
      versionField: '@timestamp',
      deleteMode: 'tombstone',
      ttl: { attribute: 'expires_at', afterSeconds: 3_600 },
      attributes: { exclude: ['secret'] },
    });
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
    const key = (id: string) => new TextEncoder().encode(JSON.stringify({ id }));
    const headers = { tenant: new TextEncoder().encode('acme') };
    const result = await sink.write([
      { key: key('a'), headers, timestamp: at(2_000), value: { state: 'on', secret: 'x' } },
      { key: key('a'), headers, timestamp: at(1_000), value: { state: 'older' } },
      { key: key('b'), headers, timestamp: at(1_000), value: { state: 'on' } },
      { key: key('b'), headers, timestamp: at(3_000), value: null },
      { key: key('c'), timestamp: at(1_000), value: { state: 'no tenant' } },
    ]);
    await sink.close();
    expect(result.written).toBe(3);
    expect(result.stale).toBe(1);
    expect(result.failed.map((f) => [f.index, f.reason, f.field])).toEqual([[4, 'invalid-key', 'header.tenant']]);
    const items = await scan(client, tableName);
    const seconds = Math.floor(Date.UTC(2026, 0, 1) / 1000);
    const nanos = (ms: number) => BigInt(Date.UTC(2026, 0, 1) + ms) * 1_000_000n;
    expect(items.get('a')).toEqual({ id: 'a', tenant: 'acme', state: 'on', version: nanos(2_000), expires_at: seconds + 2 + 3_600 });
    expect(items.get('b')).toEqual({ id: 'b', tenant: 'acme', deleted: true, version: nanos(3_000), expires_at: seconds + 3 + 3_600 });
    if (ttlKnown) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
    }
  });

  it('routes records to a table per topic, creating each once; a name DynamoDB refuses fails that record alone', async () => {
    const suffix = `${process.pid}-${++tableCounter}`;
    const sink = sinkOn<Record<string, unknown>>(server.endpoint, { tableName: (record) => `${record.topic}-${suffix}`, partitionKey: 'id' });
    const records = [
      ...Array.from({ length: 30 }, (_, i) => ({ topic: 'orders', value: { id: `o${i}` } })),
      { topic: 'bad topic!', value: { id: 'x' } },
      ...Array.from({ length: 30 }, (_, i) => ({ topic: 'users', value: { id: `u${i}` } })),
    ];
    const results = await Promise.all([sink.write(records), sink.write(records.slice(0, 10))]);
    await sink.close();
    expect(results[0].written).toBe(60);
    expect(results[0].failed.map((f) => [f.index, f.reason, f.field, f.error.message])).toEqual([
      [30, 'invalid-key', 'tableName', `Table name "bad topic!-${suffix}" from \`tableName\` is not one DynamoDB accepts: expected 3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.'`],
    ]);
    expect(results[1]).toEqual({ written: 10, stale: 0, failed: [] });
    expect([...(await scan(client, `orders-${suffix}`)).keys()].sort()).toEqual(records.slice(0, 30).map((r) => r.value.id).sort());
    expect((await scan(client, `users-${suffix}`)).size).toBe(30);
  });

  it('retries throttling and 500s on single-item calls; a lost condition is stale, never retried, never a failure', async () => {
    const tableName = newTable('guarded-faults');
    await sinkOn(server.endpoint, { tableName, partitionKey: 'id' }).open();
    const proxy = await startFaultyEndpoint(
      server.endpoint,
      {
        seed: 3,
        random: [
          { rate: 0.15, fault: { kind: 'throttle' } },
          { rate: 0.1, fault: { kind: 'server-error' } },
          { rate: 0.05, fault: { kind: 'drop-before-upstream' } },
        ],
      },
      { operations: ['PutItem', 'DeleteItem', 'UpdateItem'] },
    );
    const retries: string[] = [];
    const sink = sinkOn<ChangeValue | null>(proxy.endpoint, {
      tableName,
      partitionKey: 'id',
      versionField: 'version',
      deleteMode: 'tombstone',
      deleteWhen: (record) => record.value?.deleted === true,
      maxRetries: 30,
      events: { retry: ({ reason }) => retries.push(reason) },
    });
    // No drop after the write: a lost answer to an applied write would turn its retry stale, and the counts fuzzy.
    const stream = versionedChangelog({ records: 1_500, keys: 50, deleteRate: 0.1, duplicateRate: 0.05, badRate: 0, seed: 4 });
    const model = versionedModel(stream);
    const totals = await writeAll(sink, stream, 300, 2);
    await sink.close();
    await proxy.close();
    expect({ written: totals.written, stale: totals.stale, failed: totals.failed }).toEqual({ written: model.written, stale: model.stale, failed: [] });
    expect(sorted(await scan(client, tableName))).toEqual(sorted(model.items));
    expect(new Set(retries)).toEqual(expect.objectContaining({}));
    expect([...new Set(retries)]).toEqual(expect.arrayContaining(['ProvisionedThroughputExceededException', 'InternalServerError']));
    expect(retries).not.toContain('ConditionalCheckFailedException');
    expect(proxy.stats.faults.throttle).toBeGreaterThan(0);
  }, 60_000);

  it('reads back exactly what a guarded put stored (GetItem)', async () => {
    const tableName = newTable('get');
    const sink = sinkOn<Record<string, unknown>>(server.endpoint, { tableName, partitionKey: 'id', versionField: 'v', versionAttribute: 'rev' });
    await sink.write([{ value: { id: 'a', v: 12345678901234567890n, n: 1 } }]);
    await sink.close();
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'a' } } }));
    expect(Item).toEqual({ id: { S: 'a' }, v: { N: '12345678901234567890' }, rev: { N: '12345678901234567890' }, n: { N: '1' } });
  });
});

import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ScanCommand,
  ThrottlingException,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDynamoDB } from '../src/testing/fake-dynamodb.js';
import {
  makeClient,
  startDynalite,
  startDynamoDBLocal,
  startFaultyEndpoint,
  type FaultPlan,
  type FaultyEndpoint,
  type TestServer,
} from '@dynamo-sink/test-servers';

let tableCounter = 0;

/** A fresh table (partition key `id`, S) with a name no other test uses: DynamoDB Local shares one database. */
async function createTable(client: DynamoDBClient): Promise<string> {
  const TableName = `servers_test_${process.pid}_${++tableCounter}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return TableName;
}

const puts = (count: number, prefix = 'item'): WriteRequest[] =>
  Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { id: { S: `${prefix}-${i}` }, n: { N: String(i) } } } }));

async function ids(client: DynamoDBClient, TableName: string): Promise<string[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName, ConsistentRead: true }));
  return Items.map((item) => item.id?.S ?? '').sort();
}

async function rejection(promise: Promise<unknown>): Promise<Error & Partial<DynamoDBServiceException> & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** Resolves true if something accepts TCP connections on the endpoint's port. */
function accepts(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True while the process runs; a zombie (dead, not yet reaped by its new parent) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

type Requests = (table: string, other: string) => Record<string, WriteRequest[]>;
/** A put whose `value` attribute is `value`, valid or not. */
const withAttribute = (value: object): WriteRequest[] => [{ PutRequest: { Item: { id: { S: 'a' }, value: value as AttributeValue } } }];

/**
 * Invalid BatchWriteItem calls, and the servers whose answer (name and message) the fake gives word for word.
 * Where the servers disagree, the fake follows dynalite (which copies the service's wording) and DynamoDB Local
 * where dynalite has no check.
 */
const REFUSALS: { readonly refusal: string; readonly requests: Requests; readonly sameAs: readonly string[] }[] = [
  { refusal: 'two requests for one key', requests: (t) => ({ [t]: [...puts(1), ...puts(1)] }), sameAs: ['dynalite', 'DynamoDB Local'] },
  {
    refusal: 'an item over 400 KB',
    requests: (t) => ({ [t]: withAttribute({ S: 'x'.repeat(400 * 1024) }) }),
    sameAs: ['dynalite', 'DynamoDB Local'],
  },
  { refusal: 'an empty string key', requests: (t) => ({ [t]: [{ PutRequest: { Item: { id: { S: '' } } } }] }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'an empty string set', requests: (t) => ({ [t]: withAttribute({ SS: [] }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'an empty number set', requests: (t) => ({ [t]: withAttribute({ NS: [] }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'an empty binary set', requests: (t) => ({ [t]: withAttribute({ BS: [] }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'a number over 1E+126', requests: (t) => ({ [t]: withAttribute({ N: '1E+126' }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'a number under 1E-130', requests: (t) => ({ [t]: withAttribute({ N: '1E-131' }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'NULL: false', requests: (t) => ({ [t]: withAttribute({ NULL: false }) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: 'an empty AttributeValue', requests: (t) => ({ [t]: withAttribute({}) }), sameAs: ['dynalite', 'DynamoDB Local'] },
  { refusal: '26 requests', requests: (t) => ({ [t]: puts(26) }), sameAs: ['DynamoDB Local'] },
  { refusal: '26 requests across two tables', requests: (t, o) => ({ [t]: puts(13), [o]: puts(13) }), sameAs: ['DynamoDB Local'] },
  { refusal: 'an empty request list', requests: (t) => ({ [t]: [] }), sameAs: ['DynamoDB Local'] },
  { refusal: 'no tables', requests: () => ({}), sameAs: ['DynamoDB Local'] },
  {
    refusal: 'an empty string key in a delete',
    requests: (t) => ({ [t]: [{ DeleteRequest: { Key: { id: { S: '' } } } }] }),
    sameAs: ['DynamoDB Local'],
  },
  { refusal: 'a missing key attribute', requests: (t) => ({ [t]: [{ PutRequest: { Item: { other: { S: 'a' } } } }] }), sameAs: ['dynalite'] },
  { refusal: 'a key of the wrong type', requests: (t) => ({ [t]: [{ PutRequest: { Item: { id: { N: '1' } } } }] }), sameAs: ['dynalite'] },
  {
    refusal: 'a delete key with an extra attribute',
    requests: (t) => ({ [t]: [{ DeleteRequest: { Key: { id: { S: 'a' }, other: { S: 'b' } } } }] }),
    sameAs: ['dynalite'],
  },
  { refusal: 'NaN', requests: (t) => ({ [t]: withAttribute({ N: 'NaN' }) }), sameAs: ['dynalite'] },
  { refusal: '39 significant digits', requests: (t) => ({ [t]: withAttribute({ N: '1'.repeat(39) }) }), sameAs: ['dynalite'] },
  { refusal: 'a string set with duplicates', requests: (t) => ({ [t]: withAttribute({ SS: ['x', 'x'] }) }), sameAs: ['dynalite'] },
];

const SERVERS: [string, () => Promise<TestServer & { pid?: number; rssBytes?: () => number | undefined }>][] = [
  ['dynalite', () => startDynalite()],
  ['DynamoDB Local', () => startDynamoDBLocal()],
];

describe.each(SERVERS)('%s', (label, start) => {
  let server: Awaited<ReturnType<typeof start>>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    const startedAt = performance.now();
    server = await start();
    const rss = server.rssBytes?.();
    console.info(
      `${server.name} answered after ${(performance.now() - startedAt).toFixed(0)} ms` +
        (rss === undefined ? '' : `, resident memory ${(rss / 2 ** 20).toFixed(0)} MiB`),
    );
    client = makeClient(server.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it('listens on 127.0.0.1 and accepts CreateTable, BatchWriteItem and Scan', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const table = await createTable(client);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(25) } }));
    expect(output.UnprocessedItems).toEqual({});
    expect(await ids(client, table)).toHaveLength(25);
  });

  describe('behind a faulty endpoint', () => {
    let proxy: FaultyEndpoint | undefined;
    let proxied: DynamoDBClient | undefined;

    /** A proxy with this plan in front of the server, and a client of it. */
    async function through(plan: FaultPlan) {
      proxy = await startFaultyEndpoint(server.endpoint, plan);
      proxied = makeClient(proxy.endpoint);
      return { proxy, proxied, table: await createTable(proxied) };
    }

    afterAll(async () => {
      proxied?.destroy();
      await proxy?.close();
    });

    const closeProxy = async () => {
      proxied?.destroy();
      await proxy?.close();
      proxy = undefined;
      proxied = undefined;
    };

    it('passes calls through, signed requests and all, counting only BatchWriteItem as calls', async () => {
      const { proxy, proxied, table } = await through({ script: [] });
      await proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(3) } }));
      expect(await ids(proxied, table)).toEqual(['item-0', 'item-1', 'item-2']);
      expect(proxy.stats).toMatchObject({ requests: 3, batchWriteCalls: 1, faults: { pass: 1 } });
      await closeProxy();
    });

    it("hands back every item with unprocessed: 'all', writing none", async () => {
      const { proxy, proxied, table } = await through({ script: [{ kind: 'unprocessed', items: 'all' }] });
      const requests = puts(4);
      const output = await proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      expect(output.UnprocessedItems).toEqual({ [table]: requests });
      expect(await ids(proxied, table)).toEqual([]);
      expect(proxy.stats).toMatchObject({ unprocessedItems: 4, faults: { unprocessed: 1 } });
      await closeProxy();
    });

    it('hands back the last n items and writes the rest for real', async () => {
      const { proxied, table } = await through({ script: [{ kind: 'unprocessed', items: 2 }] });
      const requests = puts(5);
      const output = await proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      expect(output.UnprocessedItems).toEqual({ [table]: requests.slice(3) });
      expect(await ids(proxied, table)).toEqual(['item-0', 'item-1', 'item-2']);
      await closeProxy();
    });

    it.each([
      [undefined, ProvisionedThroughputExceededException, 'ProvisionedThroughputExceededException'],
      ['ThrottlingException' as const, ThrottlingException, 'ThrottlingException'],
      ['RequestLimitExceeded' as const, RequestLimitExceeded, 'RequestLimitExceeded'],
    ])('throttles (%s) with HTTP 400, writing nothing', async (error, exceptionClass, name) => {
      const { proxy, proxied, table } = await through({ script: [{ kind: 'throttle', ...(error ? { error } : {}) }] });
      const thrown = await rejection(proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(2) } })));
      expect(thrown).toBeInstanceOf(exceptionClass);
      expect(thrown).toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
      expect(await ids(proxied, table)).toEqual([]);
      expect(proxy.stats.faults.throttle).toBe(1);
      await closeProxy();
    });

    it('answers InternalServerError with HTTP 500, writing nothing', async () => {
      const { proxied, table } = await through({ script: [{ kind: 'server-error' }] });
      const thrown = await rejection(proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(2) } })));
      expect(thrown).toBeInstanceOf(InternalServerError);
      expect(thrown).toMatchObject({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
      expect(await ids(proxied, table)).toEqual([]);
      await closeProxy();
    });

    it('drops the connection before forwarding: a network error, nothing written', async () => {
      const { proxy, proxied, table } = await through({ script: [{ kind: 'drop-before-upstream' }] });
      const thrown = await rejection(proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(2) } })));
      expect(thrown).not.toBeInstanceOf(DynamoDBServiceException);
      expect(thrown.code).toBe('ECONNRESET');
      expect(await ids(proxied, table)).toEqual([]);
      expect(proxy.stats.faults['drop-before-upstream']).toBe(1);
      await closeProxy();
    });

    it('drops the connection after forwarding: the client sees an error, yet a retry leaves each item once', async () => {
      const { proxied, table } = await through({ script: [{ kind: 'drop-after-upstream' }] });
      const requests = puts(3);
      const thrown = await rejection(proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } })));
      expect(thrown.code).toBe('ECONNRESET');
      expect(await ids(proxied, table)).toEqual(['item-0', 'item-1', 'item-2']);
      await proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      expect(await ids(proxied, table)).toEqual(['item-0', 'item-1', 'item-2']);
      await closeProxy();
    });

    it('draws faults by rate from a seed, the same way every time', async () => {
      const plan: FaultPlan = {
        random: [
          { rate: 0.3, fault: { kind: 'throttle' } },
          { rate: 0.2, fault: { kind: 'unprocessed', items: 1 } },
        ],
        seed: 11,
      };
      const runs: string[][] = [];
      for (let run = 0; run < 2; run++) {
        const { proxy, proxied, table } = await through(plan);
        const outcomes: string[] = [];
        for (let call = 0; call < 20; call++) {
          try {
            const output = await proxied.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts(2, `c${call}`) } }));
            outcomes.push(`unprocessed:${output.UnprocessedItems?.[table]?.length ?? 0}`);
          } catch (error) {
            outcomes.push((error as Error).name);
          }
        }
        expect(proxy.stats.faults.pass + proxy.stats.faults.throttle + proxy.stats.faults.unprocessed).toBe(20);
        runs.push(outcomes);
        await closeProxy();
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(new Set(runs[0])).toEqual(new Set(['unprocessed:0', 'unprocessed:1', 'ProvisionedThroughputExceededException']));
    });
  });

  describe('compared with FakeDynamoDB', () => {
    let table: string;
    let other: string;
    let fake: FakeDynamoDB;

    beforeAll(async () => {
      table = await createTable(client);
      other = await createTable(client);
      fake = new FakeDynamoDB().createTableSync(table, { partitionKey: 'id' }).createTableSync(other, { partitionKey: 'id' });
    });

    it.each(REFUSALS.filter(({ sameAs }) => sameAs.includes(label)))('refuses $refusal in the same words', async ({ requests }) => {
      const real = await rejection(client.send(new BatchWriteItemCommand({ RequestItems: requests(table, other) })));
      const faked = await rejection(fake.send(new BatchWriteItemCommand({ RequestItems: requests(table, other) })));
      expect({ name: faked.name, message: faked.message, $fault: faked.$fault, status: faked.$metadata?.httpStatusCode }).toEqual({
        name: real.name,
        message: real.message,
        $fault: real.$fault,
        status: real.$metadata?.httpStatusCode,
      });
    });

    it('answers a missing table with the same error name', async () => {
      const requests = { missing_table: puts(1) };
      const real = await rejection(client.send(new BatchWriteItemCommand({ RequestItems: requests })));
      const faked = await rejection(fake.send(new BatchWriteItemCommand({ RequestItems: requests })));
      expect(faked.name).toBe(real.name);
      expect(faked.constructor).toBe(real.constructor);
    });
  });

  it('stops: the port is closed and the process is gone', async () => {
    client.destroy();
    await server.close();
    expect(await accepts(server.endpoint)).toBe(false);
    if (server.pid !== undefined) expect(isAlive(server.pid)).toBe(false);
    await server.close(); // idempotent
  });
});

describe('DynamoDB Local outlives no test process', () => {
  it('dies with a test process that is killed outright (SIGKILL)', async () => {
    // Run from core's folder, where the package resolves by name (it is core's devDependency).
    const script = `const { startDynamoDBLocal } = await import('@dynamo-sink/test-servers'); const server = await startDynamoDBLocal(); console.log('pid=' + server.pid); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const javaPid = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /pid=(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before starting DynamoDB Local: ${output}`)));
    });
    expect(isAlive(javaPid)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(javaPid), 5_000)).toBe(true);
  });
});

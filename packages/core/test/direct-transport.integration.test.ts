// The direct transport against real DynamoDB-compatible servers (dynalite, DynamoDB Local), beside the SDK transport
// on the same requests; then through the faulty endpoint: throttling, 5xx, dropped connections, damaged answers, a
// skewed server clock, and signatures checked with credentials that expire every second and a half.
import { DynamoDBClient, GetItemCommand, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTransport, type DirectTransport } from '../src/dynamo/direct/direct-transport.js';
import { classifyError } from '../src/dynamo/retry-policy.js';
import { sdkTransport, type OperationName, type Transport } from '../src/dynamo/transport.js';
import {
  makeClient,
  startDynalite,
  startDynamoDBLocal,
  startFaultyEndpoint,
  type Fault,
  type FaultPlan,
  type FaultyEndpoint,
  type IssuedCredentials,
  type TestServer,
} from '@dynamo-sink/test-servers';

let tableCounter = 0;
const newTable = (prefix: string) => `${prefix}-${process.pid}-${++tableCounter}`;

type Item = Record<string, AttributeValue>;

async function scan(client: DynamoDBClient, TableName: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client }, { TableName })) items.push(...(page.Items ?? []));
  return items.sort((a, b) => String(a.pk?.S).localeCompare(String(b.pk?.S)));
}

async function outcome<T>(promise: Promise<T>): Promise<{ output?: T; error?: any }> {
  try {
    return { output: await promise };
  } catch (error) {
    return { error };
  }
}

const withoutMetadata = (output: unknown) => {
  const { $metadata: _metadata, ...rest } = (output ?? {}) as Record<string, unknown>;
  return rest;
};

/** Retries as the batch writer does (retry-policy.ts decides), without its delays; returns the errors on the way. */
async function untilDone<T>(send: () => Promise<T>, attempts = 6): Promise<{ output: T; errors: any[] }> {
  const errors: any[] = [];
  for (;;) {
    try {
      return { output: await send(), errors };
    } catch (error) {
      errors.push(error);
      if (classifyError(error) !== 'retry' || errors.length >= attempts) throw error;
    }
  }
}

const tableInput = (TableName: string) => ({
  TableName,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
});

/** Items with every attribute type, binaries and unicode among them. */
const items = (count: number, prefix = 'item'): Item[] =>
  Array.from({ length: count }, (_, i) => ({
    pk: { S: `${prefix}-${String(i).padStart(3, '0')}` },
    text: { S: `héllo wörld 😀 日本語 "${i}"` },
    n: { N: String(i * 1.5) },
    b: { B: new Uint8Array([i % 256, 0, 255]) },
    bs: { BS: [new Uint8Array([1]), new Uint8Array([2, i % 256])] },
    ss: { SS: ['a', `s${i}`] },
    ns: { NS: ['1', String(i + 2)] },
    l: { L: [{ S: 'x' }, { N: '1' }, { BOOL: true }, { NULL: true }, { B: new Uint8Array([9]) }] },
    m: { M: { nested: { M: { deep: { S: 'y' } } }, empty: { S: '' } } },
  }));
const puts = (list: Item[]) => list.map((Item) => ({ PutRequest: { Item } }));

/** Creates a table and waits until it is ACTIVE: a table just created can refuse writes for a moment. */
async function createTable(transport: Transport, TableName: string): Promise<void> {
  await transport.send('CreateTable', tableInput(TableName));
  for (;;) {
    const { Table } = await transport.send('DescribeTable', { TableName });
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  ['dynalite', () => startDynalite()],
  ['DynamoDB Local', () => startDynamoDBLocal()],
])('the direct transport on %s', (_name, start) => {
  let server: TestServer;
  let client: DynamoDBClient;
  let direct: DirectTransport;
  let sdk: Transport;

  beforeAll(async () => {
    server = await start();
    client = makeClient(server.endpoint);
    direct = directTransport(client);
    sdk = sdkTransport(client);
  });
  afterAll(async () => {
    direct?.destroy();
    client?.destroy();
    await server?.close();
  });

  it('creates and describes a table as the SDK does', async () => {
    const TableName = newTable('direct-create');
    const created = await direct.send('CreateTable', tableInput(TableName));
    expect(created.TableDescription).toMatchObject({ TableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] });
    expect(created.TableDescription?.CreationDateTime).toBeInstanceOf(Date);
    const ours = await direct.send('DescribeTable', { TableName });
    const theirs = await sdk.send('DescribeTable', { TableName });
    // The SDK drops fields its model does not have (dynalite's TableThroughputModeSummary); we keep them.
    expect(withoutMetadata(ours)).toMatchObject(withoutMetadata(theirs));
    expect(ours.$metadata.httpStatusCode).toBe(200);
    const again = await outcome(direct.send('CreateTable', tableInput(TableName)));
    expect(again.error).toMatchObject({ name: 'ResourceInUseException', $metadata: { httpStatusCode: 400 } });
  });

  it('writes a batch of every attribute type, binaries and unicode included, that reads back the same', async () => {
    const TableName = newTable('direct-batch');
    await createTable(direct, TableName);
    const written = items(25);
    const output = await direct.send('BatchWriteItem', { RequestItems: { [TableName]: puts(written) }, ReturnConsumedCapacity: 'TOTAL' });
    expect(output.UnprocessedItems).toEqual({});
    const stored = await scan(client, TableName);
    expect(stored).toHaveLength(25);
    // Sets come back in any order.
    const normal = (item: Item) => ({ ...item, bs: item.bs!.BS!.map((b) => Buffer.from(b).toString('hex')).sort(), ss: [...item.ss!.SS!].sort(), ns: [...item.ns!.NS!].sort() });
    expect(stored.map(normal)).toEqual(written.map(normal));
  });

  it('sends a body written ahead (sendJson)', async () => {
    const TableName = newTable('direct-json');
    await createTable(direct, TableName);
    const body = JSON.stringify({ RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: { S: 'json' }, v: { N: '1' } } } }] } });
    expect((await direct.sendJson('BatchWriteItem', body, [TableName])).UnprocessedItems).toEqual({});
    expect(await scan(client, TableName)).toEqual([{ pk: { S: 'json' }, v: { N: '1' } }]);
  });

  it('runs version-guarded puts, updates and deletes, failing a lost condition with ConditionalCheckFailedException as the SDK does', async () => {
    const TableName = newTable('direct-guard');
    await createTable(direct, TableName);
    const guard = (version: number) => ({
      ConditionExpression: 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v',
      ExpressionAttributeNames: { '#k': 'pk', '#v': 'version' },
      ExpressionAttributeValues: { ':v': { N: String(version) } },
    });
    const put = (version: number, name: string) => ({ TableName, Item: { pk: { S: 'k' }, version: { N: String(version) }, name: { S: name } }, ...guard(version) });
    await direct.send('PutItem', put(2, 'two'));
    const ours = await outcome(direct.send('PutItem', put(1, 'one')));
    const theirs = await outcome(sdk.send('PutItem', put(1, 'one')));
    expect(ours.error?.constructor).toBe(theirs.error?.constructor);
    for (const field of ['name', 'message', '$fault', '$retryable'] as const) expect(ours.error?.[field]).toEqual(theirs.error?.[field]);
    expect(ours.error).toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } });
    expect(classifyError(ours.error)).toBe(classifyError(theirs.error));

    await direct.send('UpdateItem', {
      TableName,
      Key: { pk: { S: 'k' } },
      UpdateExpression: 'SET #a0 = :a0 REMOVE #t',
      ...guard(3),
      ExpressionAttributeNames: { ...guard(3).ExpressionAttributeNames, '#a0': 'name', '#t': 'deleted' },
      ExpressionAttributeValues: { ...guard(3).ExpressionAttributeValues, ':a0': { S: 'three' } },
    });
    const stored = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'k' } } }));
    expect(stored.Item).toEqual({ pk: { S: 'k' }, version: { N: '2' }, name: { S: 'three' } });

    const stale = await outcome(direct.send('DeleteItem', { TableName, Key: { pk: { S: 'k' } }, ...guard(1) }));
    expect(stale.error?.name).toBe('ConditionalCheckFailedException');
    await direct.send('DeleteItem', { TableName, Key: { pk: { S: 'k' } }, ...guard(5) });
    expect(await scan(client, TableName)).toEqual([]);
  });

  it.each<[string, OperationName, (table: string) => object]>([
    ['a missing table', 'DescribeTable', (table) => ({ TableName: `${table}-missing` })],
    ['a batch with one key twice', 'BatchWriteItem', (table) => ({ RequestItems: { [table]: puts([{ pk: { S: 'same' } }, { pk: { S: 'same' } }]) } })],
    ['a key of the wrong type', 'PutItem', (table) => ({ TableName: table, Item: { pk: { N: '1' } } })],
    ['an empty key', 'PutItem', (table) => ({ TableName: table, Item: { pk: { S: '' } } })],
    ['a bad update expression', 'UpdateItem', (table) => ({ TableName: table, Key: { pk: { S: 'k' } }, UpdateExpression: 'SET = nonsense' })],
    ['enabling TTL', 'UpdateTimeToLive', (table) => ({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } })],
  ])('%s: the same outcome as through the SDK', async (_title, operation, input) => {
    // A table each: enabling TTL twice is an error of its own.
    const [ourTable, theirTable] = [newTable('direct-outcome'), newTable('direct-outcome')];
    await createTable(direct, ourTable);
    await createTable(sdk, theirTable);
    const ours = await outcome(direct.send(operation, input(ourTable) as never));
    const theirs = await outcome(sdk.send(operation, input(theirTable) as never));
    if (theirs.error) {
      expect(ours.error?.constructor).toBe(theirs.error.constructor);
      expect({ name: ours.error?.name, message: ours.error?.message.replace(ourTable, 'T'), status: ours.error?.$metadata?.httpStatusCode, kind: classifyError(ours.error) }).toEqual({
        name: theirs.error.name,
        message: theirs.error.message.replace(theirTable, 'T'),
        status: theirs.error.$metadata?.httpStatusCode,
        kind: classifyError(theirs.error),
      });
    } else {
      expect(ours.error).toBeUndefined();
      expect(withoutMetadata(ours.output)).toEqual(withoutMetadata(theirs.output));
    }
  });
});

describe('the direct transport through the faulty endpoint (dynalite behind it)', () => {
  let upstream: TestServer;
  let setup: DynamoDBClient;

  beforeAll(async () => {
    upstream = await startDynalite();
    setup = makeClient(upstream.endpoint);
  });
  afterAll(async () => {
    setup?.destroy();
    await upstream?.close();
  });

  /** A proxy with `plan` in front of dynalite, a table, and both transports over one client of the proxy. */
  async function through(plan: FaultPlan, options: Parameters<typeof startFaultyEndpoint>[2] = {}, clientConfig = {}) {
    const proxy = await startFaultyEndpoint(upstream.endpoint, plan, options);
    const TableName = newTable('direct-faults');
    await createTable(sdkTransport(setup), TableName);
    const client = makeClient(proxy.endpoint, clientConfig);
    const direct = directTransport(client);
    const close = async () => {
      direct.destroy();
      client.destroy();
      await proxy.close();
    };
    return { proxy, client, direct, sdk: sdkTransport(client), TableName, close };
  }

  it.each<[string, Fault, string]>([
    ['ProvisionedThroughputExceededException', { kind: 'throttle' }, 'ProvisionedThroughputExceededException'],
    ['ThrottlingException', { kind: 'throttle', error: 'ThrottlingException' }, 'ThrottlingException'],
    ['RequestLimitExceeded', { kind: 'throttle', error: 'RequestLimitExceeded' }, 'RequestLimitExceeded'],
    ['a 500', { kind: 'server-error' }, 'InternalServerError'],
  ])('%s: the SDK error, classified alike, retried into a write', async (_title, fault, name) => {
    const { direct, sdk, TableName, close } = await through({ script: [fault, fault] });
    try {
      const request = { RequestItems: { [TableName]: puts(items(3)) } };
      const ours = await outcome(direct.send('BatchWriteItem', request));
      const theirs = await outcome(sdk.send('BatchWriteItem', request));
      expect(ours.error?.constructor).toBe(theirs.error?.constructor);
      expect(ours.error).toMatchObject({ name, $fault: theirs.error.$fault, $metadata: { httpStatusCode: theirs.error.$metadata.httpStatusCode } });
      expect(classifyError(ours.error)).toBe('retry');
      expect(classifyError(theirs.error)).toBe('retry');
      await untilDone(() => direct.send('BatchWriteItem', request));
      expect(await scan(setup, TableName)).toHaveLength(3);
    } finally {
      await close();
    }
  });

  it.each<[string, Fault, number]>([
    ['before the request reached the server', { kind: 'drop-before-upstream' }, 0],
    ['after the server wrote', { kind: 'drop-after-upstream' }, 2],
  ])('a connection dropped %s: a network error with its code, as through the SDK', async (_title, fault, writtenBeforeRetry) => {
    const { direct, sdk, TableName, close } = await through({ script: [fault, fault] });
    try {
      const request = { RequestItems: { [TableName]: puts(items(2)) } };
      const ours = await outcome(direct.send('BatchWriteItem', request));
      const theirs = await outcome(sdk.send('BatchWriteItem', request));
      expect(ours.error?.code).toBe(theirs.error?.code);
      expect(ours.error?.code).toBe('ECONNRESET');
      expect(classifyError(ours.error)).toBe('retry');
      expect(await scan(setup, TableName)).toHaveLength(writtenBeforeRetry);
      await untilDone(() => direct.send('BatchWriteItem', request));
      expect(await scan(setup, TableName)).toHaveLength(2);
    } finally {
      await close();
    }
  });

  it.each<[string, Fault]>([
    ['a damaged body', { kind: 'corrupt-body' }],
    ['a wrong x-amz-crc32', { kind: 'corrupt-crc' }],
  ])('%s: never accepted, retried, written (the SDK, which checks no CRC, takes the damaged answer)', async (_title, fault) => {
    // Faulted calls in turn: ours, its retry, the SDK's, our DescribeTable, its retry.
    const { proxy, direct, sdk, TableName, close } = await through({ script: [fault, { kind: 'pass' }, fault, fault] }, { operations: ['BatchWriteItem', 'DescribeTable'] });
    try {
      const request = { RequestItems: { [TableName]: puts(items(4)) } };
      const { output, errors } = await untilDone(() => direct.send('BatchWriteItem', request));
      expect(errors.map((e) => e.name)).toEqual(['CRC32CheckFailed']);
      expect(output.UnprocessedItems).toEqual({});
      expect(await scan(setup, TableName)).toHaveLength(4);
      const theirs = await outcome(sdk.send('BatchWriteItem', request));
      expect(theirs.error).toBeUndefined();
      expect(proxy.stats.faults[fault.kind]).toBe(2);
      // A damaged DescribeTable would tell a wrong status or schema: refused too.
      const described = await untilDone(() => direct.send('DescribeTable', { TableName }));
      expect(described.output.Table?.TableName).toBe(TableName);
      expect(described.errors.map((e) => e.name)).toEqual(['CRC32CheckFailed']);
      expect(proxy.stats.faults[fault.kind]).toBe(3);
    } finally {
      await close();
    }
  });

  it.each([
    ['ahead', 3_600_000],
    ['behind', -7_200_000],
  ])('a server clock an hour or more %s: the first request corrects the offset and is retried, the rest pass at once', async (_title, skewMs) => {
    const skewed: Fault = { kind: 'clock-skew', skewMs };
    const { proxy, client, direct, sdk, TableName, close } = await through({ script: [], afterScript: skewed }, { operations: ['BatchWriteItem', 'PutItem'] });
    try {
      const first = await untilDone(() => direct.send('BatchWriteItem', { RequestItems: { [TableName]: puts(items(2, 'first')) } }));
      expect(first.errors).toHaveLength(1);
      expect(first.errors[0]).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400, clockSkewCorrected: true } });
      expect(Math.abs(client.config.systemClockOffset! - skewMs)).toBeLessThan(5_000);
      for (let i = 0; i < 10; i++) await direct.send('PutItem', { TableName, Item: { pk: { S: `later-${i}` } } });
      // The SDK path of the same client signs with the corrected offset too.
      await sdk.send('PutItem', { TableName, Item: { pk: { S: 'through-the-sdk' } } });
      expect(await scan(setup, TableName)).toHaveLength(13);
      expect(proxy.stats.faults['clock-skew']).toBe(13);
    } finally {
      await close();
    }
  });

  it('credentials that expire every 1.5 s: refreshed ahead, every request signed with valid keys (checked as DynamoDB does)', async () => {
    const issued = new Map<string, IssuedCredentials>();
    let handedOut = 0;
    const lifetimeMs = 1_500;
    const provider = async () => {
      handedOut++;
      const accessKeyId = `ASIASHORTLIVED${handedOut}`;
      const expiration = new Date(Date.now() + lifetimeMs);
      const credentials = { accessKeyId, secretAccessKey: `secret-${handedOut}`, sessionToken: `token-${handedOut}`, expiration };
      issued.set(accessKeyId, { secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, expiresAt: expiration.getTime() });
      return credentials;
    };
    const { proxy, direct, TableName, close } = await through({ script: [] }, { verifySignatures: (key) => issued.get(key) }, { credentials: provider });
    try {
      const seenKeys = new Set<string>();
      let requests = 0;
      const until = Date.now() + 4_500;
      const worker = async (w: number) => {
        for (let i = 0; Date.now() < until; i++) {
          await direct.send('BatchWriteItem', { RequestItems: { [TableName]: puts(items(2, `w${w}-${i}`)) } });
          requests++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      const before = proxy.stats.requests;
      await Promise.all([0, 1, 2, 3].map(worker));
      for (const key of issued.keys()) seenKeys.add(key);
      expect(proxy.stats.signatureRejections).toBe(0);
      expect(proxy.stats.requests - before).toBe(requests);
      // Three lifetimes and more went by: new keys came in several times, without one request refused.
      expect(handedOut).toBeGreaterThanOrEqual(3);
      // Fetched ahead, in the background, once per refresh: not once per request.
      expect(handedOut).toBeLessThan(requests / 4);
      expect(seenKeys.size).toBe(handedOut);
    } finally {
      await close();
    }
  });

  it('the signature check refuses what DynamoDB refuses: expired keys, unknown keys, a wrong secret', async () => {
    const issued = new Map<string, IssuedCredentials>([
      ['AKIDEXPIRED', { secretAccessKey: 's', expiresAt: Date.now() - 1 }],
      ['AKIDGOOD', { secretAccessKey: 'right' }],
    ]);
    const { proxy, TableName, close } = await through({ script: [] }, { verifySignatures: (key) => issued.get(key) });
    try {
      const attempt = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
        const client = makeClient(proxy.endpoint, { credentials });
        const transport = directTransport(client);
        try {
          return await outcome(transport.send('DescribeTable', { TableName }));
        } finally {
          transport.destroy();
          client.destroy();
        }
      };
      expect((await attempt({ accessKeyId: 'AKIDEXPIRED', secretAccessKey: 's' })).error?.name).toBe('ExpiredTokenException');
      expect((await attempt({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 's' })).error?.name).toBe('UnrecognizedClientException');
      expect((await attempt({ accessKeyId: 'AKIDGOOD', secretAccessKey: 'wrong' })).error?.name).toBe('InvalidSignatureException');
      expect((await attempt({ accessKeyId: 'AKIDGOOD', secretAccessKey: 'right' })).output?.Table?.TableName).toBe(TableName);
      expect(proxy.stats.signatureRejections).toBe(3);
      // The SDK's own signature passes the same check.
      const sdkClient = makeClient(proxy.endpoint, { credentials: { accessKeyId: 'AKIDGOOD', secretAccessKey: 'right' } });
      expect((await sdkTransport(sdkClient).send('DescribeTable', { TableName })).Table?.TableName).toBe(TableName);
      sdkClient.destroy();
    } finally {
      await close();
    }
  });

  it("takes credentials from the SDK's default provider chain (here: the environment)", async () => {
    const issued = new Map<string, IssuedCredentials>([['AKIDFROMENV', { secretAccessKey: 'env-secret', sessionToken: 'env-token' }]]);
    const { proxy, TableName, close } = await through({ script: [] }, { verifySignatures: (key) => issued.get(key) });
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' });
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.endpoint, maxAttempts: 1 });
    const transport = directTransport(client);
    try {
      expect((await transport.send('DescribeTable', { TableName })).Table?.TableName).toBe(TableName);
      expect(proxy.stats.signatureRejections).toBe(0);
    } finally {
      transport.destroy();
      client.destroy();
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await close();
    }
  });
});

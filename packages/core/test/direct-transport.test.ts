// The direct transport on the wire, side by side with the SDK: the same request bodies, the same outputs and errors
// from the same answers, the same endpoints from the same client configuration, and only the headers it must sign.
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ReplicatedWriteConflictException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directTransport, type DirectTransport } from '../src/dynamo/direct/direct-transport.js';
import { resolveRoute } from '../src/dynamo/direct/endpoint.js';
import { classifyError } from '../src/dynamo/retry-policy.js';
import { sdkTransport, type OperationName, type Transport } from '../src/dynamo/transport.js';

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

interface Seen {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP server that records each request and answers each with the reply it was last told to give. */
async function startScriptedServer() {
  let reply: Reply = { status: 200, body: '{}' };
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQUEST-ID', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer(next: Reply) {
      reply = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

const TEMPORARY = { accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'session-token' };

let server: Awaited<ReturnType<typeof startScriptedServer>>;
let client: DynamoDBClient;
let sdk: Transport;
let direct: DirectTransport;

beforeAll(async () => {
  server = await startScriptedServer();
  client = new DynamoDBClient({ region: 'eu-west-1', endpoint: server.endpoint, credentials: TEMPORARY, maxAttempts: 1 });
  sdk = sdkTransport(client);
  direct = directTransport(client);
});
afterAll(async () => {
  direct?.destroy();
  client?.destroy();
  await server?.close();
});
afterEach(() => {
  server.seen.length = 0;
  server.answer({ status: 200, body: '{}' });
});

/** Sends through one transport; returns what the server saw and what came back (output or error). */
async function exchange(transport: Transport, operation: OperationName, input: object) {
  const from = server.seen.length;
  let output: unknown;
  let error: any;
  try {
    output = await transport.send(operation, input as never);
  } catch (e) {
    error = e;
  }
  return { seen: server.seen[from]!, output, error };
}

const withoutMetadata = (output: unknown) => {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return rest;
};

/** What retry-policy.ts and callers read of an error. */
const shapeOf = (error: any) => ({
  class: error?.constructor?.name,
  name: error?.name,
  message: error?.message,
  $fault: error?.$fault,
  $retryable: error?.$retryable,
  httpStatusCode: error?.$metadata?.httpStatusCode,
  requestId: error?.$metadata?.requestId,
  kind: classifyError(error),
});

const bytes = (...values: number[]) => new Uint8Array(values);
// A view into the middle of a larger buffer: only its own bytes may be sent.
const view = new Uint8Array(Buffer.from([9, 9, 1, 2, 3, 9]).buffer, 2, 3);

describe('request bodies', () => {
  const item = {
    pk: { S: 'héllo wörld 😀 "quoted" \\ \u2028' },
    n: { N: '-1.5E+10' },
    b: { B: bytes(0, 1, 254, 255) },
    buf: { B: Buffer.from('buffer bytes') },
    v: { B: view },
    bs: { BS: [bytes(1), Buffer.from('two')] },
    ss: { SS: ['a', 'b'] },
    ns: { NS: ['1', '2.5'] },
    l: { L: [{ S: 'x' }, { B: bytes(7) }, { NULL: true }, { BOOL: false }] },
    m: { M: { B: { S: 'an attribute named B' }, BS: { N: '1' }, nested: { M: { bin: { B: bytes(42) } } } } },
    empty: { S: '' },
    gone: undefined,
  };
  it.each<[string, OperationName, object]>([
    ['BatchWriteItem with every attribute type', 'BatchWriteItem', { RequestItems: { events: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: { pk: { B: bytes(3) } } } }] } }],
    ['BatchWriteItem without binaries, with two tables', 'BatchWriteItem', { RequestItems: { a: [{ PutRequest: { Item: { pk: { S: 'x' } } } }], b: [{ DeleteRequest: { Key: { pk: { N: '1' } } } }] }, ReturnConsumedCapacity: 'TOTAL' }],
    ['a guarded PutItem', 'PutItem', {
      TableName: 'events', Item: item, ConditionExpression: 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v',
      ExpressionAttributeNames: { '#k': 'pk', '#v': 'version' }, ExpressionAttributeValues: { ':v': { N: '7' } }, ReturnConsumedCapacity: 'INDEXES',
    }],
    ['a guarded DeleteItem', 'DeleteItem', { TableName: 'events', Key: { pk: { S: 'k' } }, ConditionExpression: '#v < :v', ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': { N: '1' } } }],
    ['an UpdateItem', 'UpdateItem', {
      TableName: 'events', Key: { pk: { S: 'k' } }, UpdateExpression: 'SET #a0 = :a0, #a1 = :a1 REMOVE #t',
      ExpressionAttributeNames: { '#a0': 'x', '#a1': 'y', '#t': 'deleted' }, ExpressionAttributeValues: { ':a0': { B: bytes(1, 2) }, ':a1': { L: [] } },
    }],
    ['a DescribeTable', 'DescribeTable', { TableName: 'events' }],
    ['a CreateTable', 'CreateTable', {
      TableName: 'events', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }, SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/k' },
    }],
    ['an UpdateTimeToLive', 'UpdateTimeToLive', { TableName: 'events', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }],
  ])('%s: the same JSON as the SDK sends', async (_title, operation, input) => {
    const ours = await exchange(direct, operation, input);
    const theirs = await exchange(sdk, operation, input);
    expect(ours.error).toBeUndefined();
    expect(JSON.parse(ours.seen.body)).toEqual(JSON.parse(theirs.seen.body));
    expect(ours.seen.headers['x-amz-target']).toBe(`DynamoDB_20120810.${operation}`);
    expect(ours.seen.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(ours.seen.headers.host).toBe(theirs.seen.headers.host);
    expect(Number(ours.seen.headers['content-length'])).toBe(Buffer.byteLength(ours.seen.body));
  });

  it('signs only what DynamoDB checks: content-type, host, x-amz-date, the session token and x-amz-target', async () => {
    const { seen } = await exchange(direct, 'DescribeTable', { TableName: 'events' });
    expect(seen.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIATEST\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(seen.headers['x-amz-security-token']).toBe('session-token');
    expect(Object.keys(seen.headers).sort()).toEqual(['authorization', 'connection', 'content-length', 'content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']);
  });

  it('sends a body written ahead as it is (sendJson)', async () => {
    const body = '{"RequestItems":{"events":[{"PutRequest":{"Item":{"pk":{"S":"k"}}}}]}}';
    server.answer({ status: 200, body: '{"UnprocessedItems":{}}' });
    const output = await direct.sendJson('BatchWriteItem', body, ['events']);
    expect(server.seen.at(-1)!.body).toBe(body);
    expect(output).toMatchObject({ UnprocessedItems: {}, $metadata: { httpStatusCode: 200, requestId: 'REQUEST-ID' } });
  });
});

describe('outputs', () => {
  const b64 = (...values: number[]) => Buffer.from(values).toString('base64');
  it.each<[string, OperationName, object, object]>([
    ['BatchWriteItem, nothing unprocessed', 'BatchWriteItem', { RequestItems: {} }, { UnprocessedItems: {} }],
    ['BatchWriteItem with binaries handed back, and consumed capacity', 'BatchWriteItem', { RequestItems: {} }, {
      UnprocessedItems: { events: [
        { PutRequest: { Item: { pk: { B: b64(1, 2, 3) }, s: { S: 'B' }, bs: { BS: [b64(4), b64(5, 6)] }, l: { L: [{ B: b64(7) }] }, m: { M: { B: { S: 'x' } } } } } },
        { DeleteRequest: { Key: { pk: { S: 'k' }, sk: { N: '1' } } } },
      ] },
      ConsumedCapacity: [{ TableName: 'events', CapacityUnits: 25, WriteCapacityUnits: 25 }],
    }],
    ['PutItem with consumed capacity', 'PutItem', { TableName: 'events', Item: {} }, { ConsumedCapacity: { TableName: 'events', CapacityUnits: 1, Table: { CapacityUnits: 1 } } }],
    ['UpdateItem with attributes', 'UpdateItem', { TableName: 'events', Key: {} }, { Attributes: { pk: { S: 'k' }, b: { B: b64(9) } } }],
    ['DeleteItem', 'DeleteItem', { TableName: 'events', Key: {} }, {}],
    ['DescribeTable with its dates', 'DescribeTable', { TableName: 'events' }, {
      Table: {
        TableName: 'events', TableStatus: 'ACTIVE', CreationDateTime: 1700000000.123, ItemCount: 3, TableSizeBytes: 120,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        ProvisionedThroughput: { LastIncreaseDateTime: 1700000001, LastDecreaseDateTime: 1700000002.5, NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: 1700000003 },
        TableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/events', TableId: 'id', DeletionProtectionEnabled: false,
      },
    }],
    ['CreateTable', 'CreateTable', { TableName: 'events' }, { TableDescription: { TableName: 'events', TableStatus: 'CREATING', CreationDateTime: 1700000000 } }],
    ['UpdateTimeToLive', 'UpdateTimeToLive', { TableName: 'events' }, { TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }],
  ])('%s: the same output as the SDK returns', async (_title, operation, input, answer) => {
    const body = JSON.stringify(answer);
    server.answer({ status: 200, body, headers: { 'x-amz-crc32': String(crc32(Buffer.from(body))) } });
    const ours = await exchange(direct, operation, input);
    const theirs = await exchange(sdk, operation, input);
    expect(ours.error).toBeUndefined();
    expect(withoutMetadata(ours.output)).toEqual(withoutMetadata(theirs.output));
    expect((ours.output as { $metadata: unknown }).$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'REQUEST-ID' });
  });
});

describe('errors', () => {
  const dynamo = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;
  it.each<[string, Reply]>([
    ['ConditionalCheckFailedException', { status: 400, body: JSON.stringify({ __type: dynamo('ConditionalCheckFailedException'), message: 'The conditional request failed' }) }],
    ['ProvisionedThroughputExceededException', { status: 400, body: JSON.stringify({ __type: dynamo('ProvisionedThroughputExceededException'), message: 'slow down' }) }],
    ['ThrottlingException (coral namespace)', { status: 400, body: JSON.stringify({ __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' }) }],
    ['RequestLimitExceeded', { status: 400, body: JSON.stringify({ __type: dynamo('RequestLimitExceeded'), message: 'limit' }) }],
    ['InternalServerError (500)', { status: 500, body: JSON.stringify({ __type: dynamo('InternalServerError'), message: 'Internal server error' }) }],
    ['an unmodelled 503', { status: 503, body: JSON.stringify({ __type: 'com.amazon.coral.availability#ServiceUnavailableException', message: 'down' }) }],
    ['ValidationException with Message', { status: 400, body: JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', Message: 'Provided list of item keys contains duplicates' }) }],
    ['ResourceNotFoundException', { status: 400, body: JSON.stringify({ __type: dynamo('ResourceNotFoundException'), message: 'Requested resource not found' }) }],
    ['AccessDeniedException', { status: 400, body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: 'User is not authorized' }) }],
    ['UnrecognizedClientException', { status: 400, body: JSON.stringify({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' }) }],
    ['ReplicatedWriteConflictException (retryable by trait)', { status: 400, body: JSON.stringify({ __type: dynamo('ReplicatedWriteConflictException'), message: 'conflict' }) }],
    ['ItemCollectionSizeLimitExceededException', { status: 400, body: JSON.stringify({ __type: dynamo('ItemCollectionSizeLimitExceededException'), message: 'too big' }) }],
    ['a name from x-amzn-errortype', { status: 400, body: '{"message":"x"}', headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' } }],
    ['InvalidSignatureException without a skewed Date', { status: 400, body: JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'The request signature we calculated does not match' }) }],
    ['an empty 500', { status: 500, body: '' }],
    ['an empty 400', { status: 400, body: '' }],
    ['a 400 whose JSON is not an object', { status: 400, body: 'null' }],
    ['a 413 HTML page from a proxy', { status: 413, body: '<html>too big</html>', headers: { 'content-type': 'text/html' } }],
    ['a 502 HTML page from a proxy', { status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } }],
  ])('%s: named, flagged and classified as the SDK does', async (_title, reply) => {
    server.answer(reply);
    const ours = await exchange(direct, 'PutItem', { TableName: 'events', Item: { pk: { S: 'k' } } });
    const theirs = await exchange(sdk, 'PutItem', { TableName: 'events', Item: { pk: { S: 'k' } } });
    expect(ours.error).toBeInstanceOf(Error);
    const expected = shapeOf(theirs.error);
    // The SDK appends a hint about `$response` to a body it could not parse.
    if (expected.name === 'SyntaxError') expected.message = expect.stringContaining(ours.error.message.split('\n')[0]) as never;
    expect(shapeOf(ours.error)).toEqual(expected);
  });

  it('uses the SDK exception classes, fields and all', async () => {
    server.answer({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'failed', Item: { pk: { S: 'k' } } }) });
    const { error } = await exchange(direct, 'PutItem', { TableName: 'events', Item: {} });
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { pk: { S: 'k' } }, $metadata: { httpStatusCode: 400 } });
    server.answer({ status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ReplicatedWriteConflictException', message: 'c' }) });
    const conflict = await exchange(direct, 'PutItem', { TableName: 'events', Item: {} });
    expect(conflict.error).toBeInstanceOf(ReplicatedWriteConflictException);
    expect(classifyError(conflict.error)).toBe('retry');
  });

  it.each([
    ['a damaged body', '{"UnprocessedItems":{}}', '{"unprocessedItems":{}}'],
    ['a damaged error', '{"__type":"x#ValidationException","message":"bad"}', '{"__type":"x#ValidationException","message":"Bad"}'],
  ])('never accepts %s: a CRC32 mismatch is a retryable CRC32CheckFailed', async (_title, intact, damaged) => {
    server.answer({ status: damaged.includes('__type') ? 400 : 200, body: damaged, headers: { 'x-amz-crc32': String(crc32(Buffer.from(intact))) } });
    const { output, error } = await exchange(direct, 'BatchWriteItem', { RequestItems: {} });
    expect(output).toBeUndefined();
    expect(error).toMatchObject({ name: 'CRC32CheckFailed', $retryable: {} });
    expect(classifyError(error)).toBe('retry');
  });

  it('accepts a body that matches its x-amz-crc32, and one sent without it', async () => {
    const body = '{"UnprocessedItems":{}}';
    server.answer({ status: 200, body, headers: { 'x-amz-crc32': String(crc32(Buffer.from(body))) } });
    expect(withoutMetadata(await direct.send('BatchWriteItem', { RequestItems: {} }))).toEqual({ UnprocessedItems: {} });
    server.answer({ status: 200, body });
    expect(withoutMetadata(await direct.send('BatchWriteItem', { RequestItems: {} }))).toEqual({ UnprocessedItems: {} });
  });

  it('corrects a skewed clock from the Date of a clock skew error, and makes the error retryable', async () => {
    const own = new DynamoDBClient({ region: 'eu-west-1', endpoint: server.endpoint, credentials: TEMPORARY });
    const transport = directTransport(own);
    try {
      const serverNow = Date.now() + 3_600_000;
      server.answer({
        status: 400,
        body: JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired' }),
        headers: { date: new Date(serverNow).toUTCString() },
      });
      const { error } = await exchange(transport, 'PutItem', { TableName: 'events', Item: {} });
      expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400, clockSkewCorrected: true }, $retryable: {} });
      expect(classifyError(error)).toBe('retry');
      // Into the client's own config: the SDK signs with the same offset.
      expect(own.config.systemClockOffset).toBeGreaterThan(3_600_000 - 5_000);
      expect(own.config.systemClockOffset).toBeLessThan(3_600_000 + 5_000);
      server.answer({ status: 200, body: '{}', headers: { date: new Date(Date.now() + 3_600_000).toUTCString() } });
      const { seen } = await exchange(transport, 'PutItem', { TableName: 'events', Item: {} });
      const signedAt = Date.parse(String(seen.headers['x-amz-date']).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
      expect(Math.abs(signedAt - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    } finally {
      transport.destroy();
      own.destroy();
    }
  });

  it('fails a request whose socket stays idle past requestTimeoutMs with a retryable TimeoutError', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const own = new DynamoDBClient({ region: 'eu-west-1', endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, credentials: TEMPORARY });
    const transport = directTransport(own, { requestTimeoutMs: 100 });
    try {
      const error = await transport.send('DescribeTable', { TableName: 'events' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
      expect(classifyError(error)).toBe('retry');
    } finally {
      transport.destroy();
      own.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasOpenssl)('speaks HTTPS, here through a dispatcher of the caller that trusts a test CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'direct-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    const seen: IncomingHttpHeaders[] = [];
    const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      seen.push(req.headers);
      req.resume();
      const body = '{"Table":{"TableName":"events","TableStatus":"ACTIVE"}}';
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': String(crc32(Buffer.from(body))) });
      res.end(body);
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const port = (tls.address() as AddressInfo).port;
    const own = new DynamoDBClient({ region: 'eu-west-1', endpoint: `https://localhost:${port}`, credentials: TEMPORARY });
    const dispatcher = new Agent({ connect: { ca: readFileSync(cert) } });
    const transport = directTransport(own, { dispatcher });
    try {
      const output = await transport.send('DescribeTable', { TableName: 'events' });
      expect(output.Table).toEqual({ TableName: 'events', TableStatus: 'ACTIVE' });
      expect(seen[0]!.host).toBe(`localhost:${port}`);
      // Without the CA, the certificate is refused.
      const strict = directTransport(own);
      const refused = await strict.send('DescribeTable', { TableName: 'events' }).catch((e: unknown) => e);
      strict.destroy();
      expect(String((refused as Error).message)).toMatch(/self.signed|certificate/i);
    } finally {
      transport.destroy();
      await dispatcher.close();
      own.destroy();
      tls.closeAllConnections();
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a client it cannot read a configuration from, naming what it needs', () => {
    expect(() => directTransport({ send: async () => ({}) } as never)).toThrow(/needs a DynamoDBClient/);
    expect(() => directTransport(client, { maxSockets: 0 })).toThrow(/maxSockets/);
  });
});

describe('endpoints: where the SDK would send the same request, signed for the same region and service', () => {
  /** The request the SDK would send for `command`, caught before it leaves. */
  async function sdkRequest(config: DynamoDBClientConfig, command: object) {
    let caught: any;
    const requestHandler = {
      handle: async (request: unknown) => {
        caught = request;
        throw new Error('caught');
      },
    };
    const sdkClient = new DynamoDBClient({ ...config, requestHandler: requestHandler as never, maxAttempts: 1 });
    await sdkClient.send(command as never).catch(() => {});
    sdkClient.destroy();
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(caught.headers.authorization)!;
    return { protocol: caught.protocol, hostname: caught.hostname, port: caught.port, path: caught.path, signingRegion: scope[1], signingName: scope[2] };
  }

  const KEYS = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
  const ACCOUNT_KEYS = { ...KEYS, accountId: '123456789012' };
  const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:210987654321:table/events';
  it.each<[string, DynamoDBClientConfig, OperationName, object]>([
    ['a region', { region: 'eu-west-1' }, 'BatchWriteItem', { RequestItems: { events: [] } }],
    ['FIPS', { region: 'us-east-1', useFipsEndpoint: true }, 'PutItem', { TableName: 'events', Item: {} }],
    ['dual-stack', { region: 'us-east-1', useDualstackEndpoint: true }, 'DescribeTable', { TableName: 'events' }],
    ['FIPS and dual-stack in GovCloud', { region: 'us-gov-west-1', useFipsEndpoint: true, useDualstackEndpoint: true }, 'BatchWriteItem', { RequestItems: { events: [] } }],
    ['a China region', { region: 'cn-north-1' }, 'UpdateItem', { TableName: 'events', Key: {} }],
    ['a custom endpoint', { region: 'us-east-1', endpoint: 'http://localhost:8000' }, 'BatchWriteItem', { RequestItems: { events: [] } }],
    ['a custom endpoint with a path and port', { region: 'ap-south-1', endpoint: 'https://proxy.example.com:8443/dynamodb' }, 'PutItem', { TableName: 'events', Item: {} }],
    ['an account-based endpoint from credentials with an account', { region: 'us-east-1', credentials: ACCOUNT_KEYS }, 'BatchWriteItem', { RequestItems: { events: [] } }],
    ['account-based endpoints disabled', { region: 'us-east-1', credentials: ACCOUNT_KEYS, accountIdEndpointMode: 'disabled' }, 'PutItem', { TableName: 'events', Item: {} }],
    ['a table given as an ARN', { region: 'us-east-1' }, 'DescribeTable', { TableName: TABLE_ARN }],
    ['tables given as ARNs in a batch', { region: 'us-east-1' }, 'BatchWriteItem', { RequestItems: { [TABLE_ARN]: [] } }],
  ])('%s', async (_title, config, operation, input) => {
    const full = { credentials: KEYS, ...config };
    const Commands = { BatchWriteItem: BatchWriteItemCommand, PutItem: PutItemCommand, DeleteItem: DeleteItemCommand, UpdateItem: UpdateItemCommand, DescribeTable: DescribeTableCommand, CreateTable: CreateTableCommand, UpdateTimeToLive: UpdateTimeToLiveCommand };
    const Command = Commands[operation] as new (input: object) => object;
    const expected = await sdkRequest(full, new Command(input));
    const ourClient = new DynamoDBClient(full);
    const route = await resolveRoute(ourClient.config as never, operation, input);
    ourClient.destroy();
    expect({ protocol: route.protocol, hostname: route.hostname, port: route.port, path: route.path, signingRegion: route.signingRegion, signingName: route.signingName }).toEqual(expected);
  });

  it('an endpoint from AWS_ENDPOINT_URL_DYNAMODB', async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:4566';
    try {
      const config = { region: 'us-east-1', credentials: KEYS };
      const expected = await sdkRequest(config, new PutItemCommand({ TableName: 'events', Item: {} }));
      const ourClient = new DynamoDBClient(config);
      const route = await resolveRoute(ourClient.config as never, 'PutItem', { TableName: 'events' });
      ourClient.destroy();
      expect(expected).toMatchObject({ hostname: '127.0.0.1', port: 4566 });
      expect({ protocol: route.protocol, hostname: route.hostname, port: route.port, path: route.path, signingRegion: route.signingRegion, signingName: route.signingName }).toEqual(expected);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    }
  });
});

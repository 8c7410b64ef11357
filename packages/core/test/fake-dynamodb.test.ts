import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  ThrottlingException,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DescribeTableCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DynamoClientLike } from '../src/dynamo/options.js';
import { FakeDynamoDB, type FakeErrorName } from '../src/testing/fake-dynamodb.js';

type Item = Record<string, AttributeValue>;

const put = (Item: Item): WriteRequest => ({ PutRequest: { Item } });
const del = (Key: Item): WriteRequest => ({ DeleteRequest: { Key } });
const event = (id: string, extra: Item = {}): Item => ({ id: { S: id }, ...extra });
const events = (count: number, from = 0) => Array.from({ length: count }, (_, i) => put(event(`e${from + i}`)));

/** A fake with an `events` table (partition key `id`, S) and a `readings` table (`sensor` S + `at` N). */
function fakeWithTables(options: ConstructorParameters<typeof FakeDynamoDB>[0] = {}): FakeDynamoDB {
  return new FakeDynamoDB(options)
    .createTableSync('events', { partitionKey: 'id' })
    .createTableSync('readings', { partitionKey: 'sensor', sortKey: { name: 'at', type: 'N' } });
}

function batch(fake: FakeDynamoDB, RequestItems: BatchWriteItemCommandInput['RequestItems'], extra: Partial<BatchWriteItemCommandInput> = {}) {
  return fake.send(new BatchWriteItemCommand({ RequestItems, ...extra }));
}

async function rejection(promise: Promise<unknown>): Promise<DynamoDBServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as DynamoDBServiceException;
  }
  throw new Error('expected the call to fail');
}

/** Asserts the error is what the SDK throws for a DynamoDB error of that name. */
function expectServiceError(error: unknown, name: string, message: string, status = 400, fault: 'client' | 'server' = 'client') {
  expect(error).toBeInstanceOf(DynamoDBServiceException);
  const exception = error as DynamoDBServiceException;
  expect(exception.name).toBe(name);
  expect(exception.message).toBe(message);
  expect(exception.$fault).toBe(fault);
  expect(exception.$metadata.httpStatusCode).toBe(status);
  expect(exception.$metadata.requestId).toMatch(/^[A-Z0-9]{52}$/);
}

describe('FakeDynamoDB: typing', () => {
  it('resolves each command to its SDK output type and fits where a client is expected', () => {
    const fake = new FakeDynamoDB();
    // Functions, not calls: only their types are under test.
    expectTypeOf(() => fake.send(new BatchWriteItemCommand({ RequestItems: {} }))).returns.resolves.toEqualTypeOf<BatchWriteItemCommandOutput>();
    expectTypeOf(() => fake.send(new DescribeTableCommand({ TableName: 'events' }))).returns.resolves.toEqualTypeOf<DescribeTableCommandOutput>();
    expectTypeOf(fake).toExtend<DynamoClientLike>();
  });
});

describe('FakeDynamoDB: tables', () => {
  it('creates a table CREATING, reports it ACTIVE after createTableMs, and refuses writes meanwhile', async () => {
    const fake = new FakeDynamoDB({ createTableMs: 40 });
    const created = await fake.send(
      new CreateTableCommand({
        TableName: 'events',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS' },
      }),
    );
    expect(created.TableDescription?.TableStatus).toBe('CREATING');
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect((await fake.send(new DescribeTableCommand({ TableName: 'events' }))).Table?.TableStatus).toBe('CREATING');
    expectServiceError(await rejection(batch(fake, { events: events(1) })), 'ResourceNotFoundException', 'Requested resource not found');

    await new Promise((resolve) => setTimeout(resolve, 50));
    const { Table } = await fake.send(new DescribeTableCommand({ TableName: 'events' }));
    expect(Table).toMatchObject({
      TableName: 'events',
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      SSEDescription: { Status: 'ENABLED', SSEType: 'KMS' },
      ItemCount: 0,
      TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/events',
    });
    expect(Table?.CreationDateTime).toBeInstanceOf(Date);
  });

  it('is ACTIVE by the next call with the default createTableMs of 0', async () => {
    const fake = new FakeDynamoDB();
    await fake.send(
      new CreateTableCommand({
        TableName: 'events',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect((await fake.send(new DescribeTableCommand({ TableName: 'events' }))).Table?.TableStatus).toBe('ACTIVE');
  });

  it('answers ResourceInUseException for a table that exists', async () => {
    const fake = fakeWithTables();
    const error = await rejection(
      fake.send(
        new CreateTableCommand({
          TableName: 'events',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    );
    expect(error).toBeInstanceOf(ResourceInUseException);
    expectServiceError(error, 'ResourceInUseException', 'Table already exists: events');
    expect(() => fake.createTableSync('events', { partitionKey: 'id' })).toThrow(ResourceInUseException);
  });

  it.each([
    [
      'an undefined key attribute',
      { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }], AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' as const }] },
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [other]',
    ],
    [
      'an unused attribute definition',
      {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' as const },
          { AttributeName: 'extra', AttributeType: 'S' as const },
        ],
      },
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    ],
  ])('refuses CreateTable with %s', async (_, schema, message) => {
    const fake = new FakeDynamoDB();
    const error = await rejection(fake.send(new CreateTableCommand({ TableName: 'events', BillingMode: 'PAY_PER_REQUEST', ...schema })));
    expectServiceError(error, 'ValidationException', message);
  });

  it('answers ResourceNotFoundException for a missing table, with the control-plane wording', async () => {
    const fake = new FakeDynamoDB();
    const error = await rejection(fake.send(new DescribeTableCommand({ TableName: 'missing' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expectServiceError(error, 'ResourceNotFoundException', 'Requested resource not found: Table: missing not found');
  });

  it('validates table names as DynamoDB does', async () => {
    const fake = new FakeDynamoDB();
    expectServiceError(
      await rejection(fake.send(new DescribeTableCommand({ TableName: 'ab' }))),
      'ValidationException',
      "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
  });

  it('deletes a table, answering DELETING', async () => {
    const fake = fakeWithTables();
    const { TableDescription } = await fake.send(new DeleteTableCommand({ TableName: 'events' }));
    expect(TableDescription?.TableStatus).toBe('DELETING');
    await expect(fake.send(new DescribeTableCommand({ TableName: 'events' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect((await fake.send(new ListTablesCommand({}))).TableNames).toEqual(['readings']);
  });

  it('enables and disables TTL with DynamoDB Local’s answers to repeated or conflicting calls', async () => {
    const fake = fakeWithTables();
    const ttl = (Enabled: boolean, AttributeName = 'expires') =>
      fake.send(new UpdateTimeToLiveCommand({ TableName: 'events', TimeToLiveSpecification: { Enabled, AttributeName } }));

    expect((await ttl(true)).TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expires' });
    expect((await fake.send(new DescribeTimeToLiveCommand({ TableName: 'events' }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expires',
    });
    expectServiceError(await rejection(ttl(true)), 'ValidationException', 'TimeToLive is already enabled');
    expectServiceError(await rejection(ttl(true, 'other')), 'ValidationException', 'TimeToLive is active on a different AttributeName');
    await ttl(false);
    expectServiceError(await rejection(ttl(false)), 'ValidationException', 'TimeToLive is already disabled');
    expect((await fake.send(new DescribeTimeToLiveCommand({ TableName: 'events' }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });
});

describe('FakeDynamoDB: items', () => {
  it('stores numbers in canonical form and reads them back by value', async () => {
    const fake = fakeWithTables();
    await fake.send(
      new PutItemCommand({
        TableName: 'readings',
        Item: { sensor: { S: 's1' }, at: { N: '001.500' }, big: { N: '1E+5' }, small: { N: '1.2e-3' }, zero: { N: '-0.00' }, set: { NS: ['02.50', '3E0'] } },
      }),
    );
    const { Item } = await fake.send(new GetItemCommand({ TableName: 'readings', Key: { sensor: { S: 's1' }, at: { N: '1.5' } } }));
    expect(Item).toEqual({ sensor: { S: 's1' }, at: { N: '1.5' }, big: { N: '100000' }, small: { N: '0.0012' }, zero: { N: '0' }, set: { NS: ['2.5', '3'] } });
    expect(await fake.send(new GetItemCommand({ TableName: 'readings', Key: { sensor: { S: 's1' }, at: { N: '2' } } }))).not.toHaveProperty('Item');
  });

  it('lists items sorted by key: numbers by value, strings by UTF-8 bytes', async () => {
    const fake = fakeWithTables();
    await batch(fake, {
      readings: ['10', '-3', '2', '0.5'].map((at) => put({ sensor: { S: 'b' }, at: { N: at } })).concat(put({ sensor: { S: 'a' }, at: { N: '99' } })),
      events: ['é', 'z', 'A'].map((id) => put(event(id))),
    });
    expect(fake.items('readings').map((item) => `${item.sensor}:${item.at}`)).toEqual(['a:99', 'b:-3', 'b:0.5', 'b:2', 'b:10']);
    expect(fake.items('events').map((item) => item.id)).toEqual(['A', 'z', 'é']);
    expect(fake.rawItems('readings')[0]).toEqual({ sensor: { S: 'a' }, at: { N: '99' } });
    expect(fake.items('readings', { wrapNumbers: true })[0]?.at).toMatchObject({ value: '99' });
    expect(() => fake.items('nope')).toThrow('FakeDynamoDB has no table "nope" (tables: events, readings)');
  });

  it('scans in pages', async () => {
    const fake = fakeWithTables();
    await batch(fake, { events: events(5) });
    const first = await fake.send(new ScanCommand({ TableName: 'events', Limit: 3 }));
    expect(first.Count).toBe(3);
    expect(first.LastEvaluatedKey).toEqual({ id: { S: 'e2' } });
    const rest = await fake.send(new ScanCommand({ TableName: 'events', ExclusiveStartKey: first.LastEvaluatedKey }));
    expect(rest.Items?.map((item) => item.id?.S)).toEqual(['e3', 'e4']);
    expect(rest).not.toHaveProperty('LastEvaluatedKey');
  });

  it.each([
    ['a missing key attribute', { sensor: { S: 's' } }, 'One or more parameter values were invalid: Missing the key at in the item'],
    ['a key of the wrong type', { sensor: { S: 's' }, at: { S: '1' } }, 'One or more parameter values were invalid: Type mismatch for key at expected: N actual: S'],
    [
      'an empty string key',
      { sensor: { S: '' }, at: { N: '1' } },
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sensor',
    ],
  ])('refuses PutItem with %s', async (_, Item, message) => {
    const fake = fakeWithTables();
    expectServiceError(await rejection(fake.send(new PutItemCommand({ TableName: 'readings', Item }))), 'ValidationException', message);
  });

  it('rejects commands it does not support, naming them', async () => {
    const fake = fakeWithTables();
    await expect(fake.send(new DeleteItemCommand({ TableName: 'events', Key: event('x') }))).rejects.toThrow(
      /^FakeDynamoDB does not support DeleteItemCommand; it supports BatchWriteItemCommand, /,
    );
    await expect(fake.send(new PutItemCommand({ TableName: 'events', Item: event('x'), ConditionExpression: 'attribute_not_exists(id)' }))).rejects.toThrow(
      'FakeDynamoDB does not support ConditionExpression in PutItem',
    );
  });
});

describe('FakeDynamoDB: BatchWriteItem', () => {
  it('writes puts and deletes across tables and answers in DynamoDB’s shape', async () => {
    const fake = fakeWithTables();
    const output = await batch(fake, { events: events(3), readings: [put({ sensor: { S: 's' }, at: { N: '1' }, v: { N: '2' } })] });
    expect(output).toEqual({ UnprocessedItems: {}, $metadata: expect.objectContaining({ httpStatusCode: 200 }) });
    await batch(fake, { events: [del(event('e1')), put(event('e0', { v: { S: 'new' } }))] });
    expect(fake.items('events')).toEqual([{ id: 'e0', v: 'new' }, { id: 'e2' }]);
    expect(fake.stats.itemsWritten).toBe(6);
    expect(fake.stats.writesPerKey('events')).toEqual(new Map([['e0', 2], ['e1', 2], ['e2', 1]]));
    expect(fake.stats.writesPerKey('readings')).toEqual(new Map([['["s","1"]', 1]]));
  });

  it('reports consumed capacity per table when asked', async () => {
    const fake = fakeWithTables();
    const total = await batch(fake, { events: [put(event('a', { blob: { S: 'x'.repeat(1500) } })), put(event('b'))] }, { ReturnConsumedCapacity: 'TOTAL' });
    expect(total.ConsumedCapacity).toEqual([{ TableName: 'events', CapacityUnits: 3 }]);
    const indexes = await batch(fake, { events: [del(event('a'))] }, { ReturnConsumedCapacity: 'INDEXES' });
    expect(indexes.ConsumedCapacity).toEqual([{ TableName: 'events', CapacityUnits: 2, Table: { CapacityUnits: 2 } }]);
  });

  const sensor = (at: AttributeValue, extra: Item = {}): Item => ({ sensor: { S: 's' }, at, ...extra });
  const VALIDATIONS: [string, NonNullable<BatchWriteItemCommandInput['RequestItems']>, string][] = [
    ['more than 25 requests', { events: events(26) }, 'Too many items requested for the BatchWriteItem call'],
    ['more than 25 requests across tables', { events: events(13), readings: Array.from({ length: 13 }, (_, i) => put(sensor({ N: `${i}` }))) }, 'Too many items requested for the BatchWriteItem call'],
    ['no tables', {}, 'BatchWriteItem cannot have a null or no requests set'],
    ['an empty request list', { events: [] }, 'The batch write request list for a table cannot be null or empty: events'],
    ['two puts of one key', { events: [put(event('a')), put(event('a', { v: { S: '2' } }))] }, 'Provided list of item keys contains duplicates'],
    ['a put and a delete of one key', { events: [put(event('a')), del(event('a'))] }, 'Provided list of item keys contains duplicates'],
    ['one number key written two ways', { readings: [put(sensor({ N: '1' })), put(sensor({ N: '1.0' }))] }, 'Provided list of item keys contains duplicates'],
    ['an item over 400 KB', { events: [put(event('a', { blob: { S: 'x'.repeat(400 * 1024) } }))] }, 'Item size has exceeded the maximum allowed size'],
    ['a missing key attribute', { readings: [put({ sensor: { S: 's' } })] }, 'The provided key element does not match the schema'],
    ['a key of the wrong type', { readings: [put(sensor({ S: '1' }))] }, 'The provided key element does not match the schema'],
    ['a delete key with an extra attribute', { events: [del(event('a', { v: { S: 'x' } }))] }, 'The provided key element does not match the schema'],
    [
      'an empty string key',
      { events: [put(event(''))] },
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id',
    ],
    [
      'an empty string key in a delete',
      { events: [del(event(''))] },
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id',
    ],
    [
      'a partition key over 2048 bytes',
      { events: [put(event('k'.repeat(2049)))] },
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    ],
    ['an empty string set', { events: [put(event('a', { tags: { SS: [] } }))] }, 'One or more parameter values were invalid: An string set  may not be empty'],
    ['an empty number set', { events: [put(event('a', { tags: { NS: [] } }))] }, 'One or more parameter values were invalid: An number set  may not be empty'],
    ['an empty binary set', { events: [put(event('a', { tags: { BS: [] } }))] }, 'One or more parameter values were invalid: Binary sets should not be empty'],
    ['a string set with duplicates', { events: [put(event('a', { tags: { SS: ['x', 'x'] } }))] }, 'One or more parameter values were invalid: Input collection [x, x] contains duplicates.'],
    ['NaN', { events: [put(event('a', { n: { N: 'NaN' } }))] }, 'The parameter cannot be converted to a numeric value: NaN'],
    ['Infinity', { events: [put(event('a', { n: { N: 'Infinity' } }))] }, 'The parameter cannot be converted to a numeric value: Infinity'],
    ['an empty number', { events: [put(event('a', { n: { N: '' } }))] }, 'The parameter cannot be converted to a numeric value'],
    ['a NaN number key', { readings: [put(sensor({ N: 'NaN' }))] }, 'The parameter cannot be converted to a numeric value: NaN'],
    ['39 significant digits', { events: [put(event('a', { n: { N: '123456789012345678901234567890123456789' } }))] }, 'Attempting to store more than 38 significant digits in a Number'],
    ['a number over 1E+126', { events: [put(event('a', { n: { N: '1E+126' } }))] }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    ['a number under 1E-130', { events: [put(event('a', { n: { N: '1E-131' } }))] }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    ['NULL: false', { events: [put(event('a', { n: { NULL: false } }))] }, 'One or more parameter values were invalid: Null attribute value types must have the value of true'],
    ['an empty AttributeValue', { events: [put(event('a', { n: {} as AttributeValue }))] }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [
      'an AttributeValue with two types',
      { events: [put(event('a', { n: { S: 'x', N: '1' } as unknown as AttributeValue }))] },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [
      'a nested NaN',
      { events: [put(event('a', { m: { M: { list: { L: [{ N: '1' }, { N: 'NaN' }] } } } }))] },
      'The parameter cannot be converted to a numeric value: NaN',
    ],
  ];

  it('refuses an item whose secondary index key has the wrong type or is empty, as DynamoDB does; takes one without it', async () => {
    const fake = new FakeDynamoDB().createTableSync('indexed', { partitionKey: 'id', globalIndexes: { 'by-unit': 'unit' } });
    expectServiceError(
      await rejection(batch(fake, { indexed: [put(event('a')), put(event('b', { unit: { N: '5' } }))] })),
      'ValidationException',
      'One or more parameter values were invalid: Type mismatch for Index Key unit Expected: S Actual: N IndexName: by-unit',
    );
    expectServiceError(
      await rejection(batch(fake, { indexed: [put(event('b', { unit: { S: '' } }))] })),
      'ValidationException',
      'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key ' +
        'attribute cannot contain an empty string value. IndexName: by-unit, IndexKey: unit',
    );
    expect(fake.items('indexed')).toEqual([]);
    await batch(fake, { indexed: [put(event('a')), put(event('b', { unit: { S: 'kg' } }))] });
    expect(fake.items('indexed')).toEqual([{ id: 'a' }, { id: 'b', unit: 'kg' }]);
    const { Table } = await fake.send(new DescribeTableCommand({ TableName: 'indexed' }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema])).toEqual([['by-unit', [{ AttributeName: 'unit', KeyType: 'HASH' }]]]);
  });

  it.each(VALIDATIONS)('fails the whole call on %s, writing nothing', async (_, requestItems, message) => {
    const fake = fakeWithTables();
    // A valid request rides along in the same call: DynamoDB writes none of a call that fails validation.
    const ridesAlong = requestItems.events !== undefined && requestItems.events.length > 0 && requestItems.events.length < 25;
    const error = await rejection(batch(fake, ridesAlong ? { ...requestItems, events: [put(event('valid')), ...requestItems.events!] } : requestItems));
    expectServiceError(error, 'ValidationException', message);
    expect(error.constructor).toBe(DynamoDBServiceException);
    expect(fake.items('events')).toEqual([]);
    expect(fake.items('readings')).toEqual([]);
    expect(fake.stats.errors).toEqual({ ValidationException: 1 });
  });

  it('accepts empty strings and empty binary outside keys', async () => {
    const fake = fakeWithTables();
    await batch(fake, { events: [put(event('a', { note: { S: '' }, bytes: { B: new Uint8Array() } }))] });
    expect(fake.rawItems('events')).toEqual([{ id: { S: 'a' }, note: { S: '' }, bytes: { B: new Uint8Array() } }]);
  });

  it('answers ResourceNotFoundException for a missing table, writing nothing', async () => {
    const fake = fakeWithTables();
    const error = await rejection(batch(fake, { events: events(2), missing: [put(event('x'))] }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expectServiceError(error, 'ResourceNotFoundException', 'Requested resource not found');
    expect(fake.items('events')).toEqual([]);
  });
});

describe('FakeDynamoDB: scripted faults', () => {
  const THROWN: [FakeErrorName, abstract new (...args: never[]) => unknown, number, 'client' | 'server', string][] = [
    [
      'ProvisionedThroughputExceededException',
      ProvisionedThroughputExceededException,
      400,
      'client',
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    ],
    ['ThrottlingException', ThrottlingException, 400, 'client', 'Rate of requests exceeds the allowed throughput.'],
    [
      'RequestLimitExceeded',
      RequestLimitExceeded,
      400,
      'client',
      'Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
    ],
    ['InternalServerError', InternalServerError, 500, 'server', 'Internal server error'],
    ['ServiceUnavailable', DynamoDBServiceException, 503, 'server', 'Service Unavailable'],
    ['UnrecognizedClientException', DynamoDBServiceException, 400, 'client', 'The security token included in the request is invalid.'],
  ];

  it.each(THROWN)('throws %s as the SDK would, writing nothing, once', async (name, exceptionClass, status, fault, message) => {
    const fake = fakeWithTables().failNext({ error: name });
    const error = await rejection(batch(fake, { events: events(2) }));
    expect(error).toBeInstanceOf(exceptionClass);
    expectServiceError(error, name, message, status, fault);
    expect(fake.items('events')).toEqual([]);
    await batch(fake, { events: events(2) });
    expect(fake.items('events')).toHaveLength(2);
    expect(fake.stats.errors).toEqual({ [name]: 1 });
  });

  it('takes a message, a count, and any Error', async () => {
    const fake = fakeWithTables()
      .failNext({ error: 'ThrottlingException', message: 'slow down', times: 2 })
      .failNext({ error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(fake.pendingFaults).toBe(3);
    expect((await rejection(batch(fake, { events: events(1) }))).message).toBe('slow down');
    expect((await rejection(batch(fake, { events: events(1) }))).message).toBe('slow down');
    const network = await rejection(batch(fake, { events: events(1) }));
    expect(network).not.toBeInstanceOf(DynamoDBServiceException);
    expect(network).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
    expect(fake.pendingFaults).toBe(0);
  });

  it('writes first, then throws, with afterWrite: the client sees an error for a write that happened', async () => {
    const fake = fakeWithTables().failNext({ error: 'InternalServerError', afterWrite: true });
    await expect(batch(fake, { events: events(2) })).rejects.toBeInstanceOf(InternalServerError);
    expect(fake.items('events')).toHaveLength(2);
  });

  it("hands back every request with unprocessed: 'all', in DynamoDB's response shape", async () => {
    const fake = fakeWithTables().failNext({ unprocessed: 'all' });
    const requestItems = { events: events(2), readings: [put({ sensor: { S: 's' }, at: { N: '01' } })] };
    const output = await batch(fake, requestItems);
    expect(output.UnprocessedItems).toEqual(requestItems);
    expect(fake.items('events')).toEqual([]);
    expect(fake.stats.unprocessedItems).toBe(3);
  });

  it('hands back the last n requests across tables and writes the rest', async () => {
    const fake = fakeWithTables().failNext({ unprocessed: 2 });
    const output = await batch(fake, { events: events(3), readings: [put({ sensor: { S: 's' }, at: { N: '1' } })] });
    expect(output.UnprocessedItems).toEqual({ events: [put(event('e2'))], readings: [put({ sensor: { S: 's' }, at: { N: '1' } })] });
    expect(fake.items('events').map((item) => item.id)).toEqual(['e0', 'e1']);
  });

  it('leaves the queue alone on a call that fails validation', async () => {
    const fake = fakeWithTables().failNext({ error: 'ProvisionedThroughputExceededException' });
    expect(await rejection(batch(fake, { events: [put(event(''))] }))).toMatchObject({ name: 'ValidationException' });
    expect(fake.pendingFaults).toBe(1);
    await expect(batch(fake, { events: events(1) })).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('scripts faults for other operations', async () => {
    const fake = fakeWithTables().failNext({ error: 'AccessDeniedException', operation: 'DescribeTable' });
    await batch(fake, { events: events(1) });
    const error = await rejection(fake.send(new DescribeTableCommand({ TableName: 'events' })));
    expectServiceError(error, 'AccessDeniedException', 'User: arn:aws:iam::000000000000:user/fake is not authorized to perform this action');
    await fake.send(new DescribeTableCommand({ TableName: 'events' }));
  });

  it('refuses malformed scripts', () => {
    const fake = new FakeDynamoDB();
    expect(() => fake.failNext({ unprocessed: -1 })).toThrow(RangeError);
    expect(() => fake.failNext({ error: 'InternalServerError', times: 0 })).toThrow(RangeError);
    expect(() => fake.failNext({ unprocessed: 1, operation: 'PutItem' as 'BatchWriteItem' })).toThrow('failNext: only BatchWriteItem hands back unprocessed items');
  });
});

describe('FakeDynamoDB: random faults and latency', () => {
  /** Sends `calls` batches of 10 events and records what each one got. */
  async function outcomes(fake: FakeDynamoDB, calls = 40): Promise<string[]> {
    const seen: string[] = [];
    for (let call = 0; call < calls; call++) {
      try {
        const output = await batch(fake, { events: events(10, call * 10) });
        seen.push(`unprocessed:${output.UnprocessedItems?.events?.length ?? 0}`);
      } catch (error) {
        seen.push((error as Error).name);
      }
    }
    return seen;
  }

  it('hands back about unprocessedRate of the items, unwritten', async () => {
    const fake = fakeWithTables({ unprocessedRate: 0.3, seed: 42 });
    const seen = await outcomes(fake, 50);
    const handedBack = seen.reduce((sum, outcome) => sum + Number(outcome.split(':')[1]), 0);
    expect(handedBack).toBe(fake.stats.unprocessedItems);
    expect(handedBack / 500).toBeGreaterThan(0.22);
    expect(handedBack / 500).toBeLessThan(0.38);
    expect(fake.items('events')).toHaveLength(500 - handedBack);
  });

  it('throttles and fails about throttleRate and serverErrorRate of the calls', async () => {
    const fake = fakeWithTables({ throttleRate: 0.25, serverErrorRate: 0.25, seed: 3 });
    const seen = await outcomes(fake, 200);
    const count = (name: string) => seen.filter((outcome) => outcome === name).length;
    expect(count('ProvisionedThroughputExceededException')).toBeGreaterThan(30);
    expect(count('ProvisionedThroughputExceededException')).toBeLessThan(70);
    expect(count('InternalServerError')).toBeGreaterThan(20);
    expect(fake.stats.errors.ProvisionedThroughputExceededException).toBe(count('ProvisionedThroughputExceededException'));
    expect(fake.items('events')).toHaveLength(count('unprocessed:0') * 10);
  });

  it('repeats the same outcomes for the same seed, and differs for another', async () => {
    const options = { unprocessedRate: 0.2, throttleRate: 0.1, serverErrorRate: 0.1, jitterMs: 2 };
    const first = await outcomes(fakeWithTables({ ...options, seed: 7 }));
    const second = await outcomes(fakeWithTables({ ...options, seed: 7 }));
    const other = await outcomes(fakeWithTables({ ...options, seed: 8 }));
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(3);
  });

  it('takes option changes at run time and checks them', async () => {
    const fake = fakeWithTables({ unprocessedRate: 1 });
    expect((await batch(fake, { events: events(3) })).UnprocessedItems?.events).toHaveLength(3);
    fake.options.unprocessedRate = 0;
    expect((await batch(fake, { events: events(3) })).UnprocessedItems).toEqual({});
    fake.options.throttleRate = 2;
    await expect(batch(fake, { events: events(1) })).rejects.toThrow('FakeDynamoDB: throttleRate must be between 0 and 1, got 2');
    expect(() => new FakeDynamoDB({ latencyMs: -1 })).toThrow(RangeError);
  });

  it('answers after latencyMs and tracks calls in flight', async () => {
    const fake = fakeWithTables({ latencyMs: 30 });
    const started = performance.now();
    const calls = Array.from({ length: 8 }, (_, i) => batch(fake, { events: events(1, i) }));
    expect(fake.stats.inFlight).toBe(8);
    await Promise.all(calls);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(fake.stats).toMatchObject({ inFlight: 0, peakInFlight: 8, batchWriteCalls: 8, calls: { BatchWriteItem: 8 } });
  });

  it('overlaps concurrent calls even without latency', async () => {
    const fake = fakeWithTables();
    await Promise.all(Array.from({ length: 5 }, (_, i) => batch(fake, { events: events(1, i) })));
    expect(fake.stats.peakInFlight).toBe(5);
  });

  it('lets concurrent calls finish out of order with jitter', async () => {
    const fake = fakeWithTables({ jitterMs: 20, seed: 5 });
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => batch(fake, { events: events(1, i) }).then(() => finished.push(i))));
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b));
  });
});

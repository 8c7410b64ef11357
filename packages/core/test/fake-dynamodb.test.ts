import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
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
  QueryCommand,
  RequestLimitExceeded,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  ThrottlingException,
  UpdateItemCommand,
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

  it('rejects commands and parameters it does not support, naming them', async () => {
    const fake = fakeWithTables();
    await expect(fake.send(new QueryCommand({ TableName: 'events', KeyConditionExpression: 'id = :v' }))).rejects.toThrow(
      /^FakeDynamoDB does not support QueryCommand; it supports BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, /,
    );
    await expect(fake.send(new PutItemCommand({ TableName: 'events', Item: event('x'), Expected: { id: { Exists: false } } }))).rejects.toThrow(
      'FakeDynamoDB does not support Expected in PutItem',
    );
    await expect(fake.send(new UpdateItemCommand({ TableName: 'events', Key: event('x'), AttributeUpdates: { v: { Action: 'DELETE' } } }))).rejects.toThrow(
      'FakeDynamoDB does not support AttributeUpdates in UpdateItem',
    );
    expect(fake.items('events')).toEqual([]);
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

// ---------------------------------------------------------------------------------------------------------------
// Single-item writes with conditions and updates (issue 10). The requests are the ones DynamoSink sends; every
// outcome and message was checked against DynamoDB Local with the same requests.
// ---------------------------------------------------------------------------------------------------------------

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: string): AttributeValue => ({ N: value });

/** The sink's version guard: applied when there is no item, no stored version, or a lower one. */
const GUARD = 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v';
const guard = (version: string) => ({
  ConditionExpression: GUARD,
  ExpressionAttributeNames: { '#k': 'id', '#v': 'version' },
  ExpressionAttributeValues: { ':v': N(version) },
});

type GuardedOperation = 'PutItem' | 'DeleteItem' | 'UpdateItem';

/** The guarded request DynamoSink sends for key `a` of `events` at `version`, by operation. */
const GUARDED: Record<GuardedOperation, (version: string) => PutItemCommand | DeleteItemCommand | UpdateItemCommand> = {
  PutItem: (version) => new PutItemCommand({ TableName: 'events', Item: { id: S('a'), version: N(version), name: S(`v${version}`) }, ...guard(version) }),
  DeleteItem: (version) => new DeleteItemCommand({ TableName: 'events', Key: { id: S('a') }, ...guard(version) }),
  UpdateItem: (version) =>
    new UpdateItemCommand({
      TableName: 'events',
      Key: { id: S('a') },
      UpdateExpression: 'SET #a0 = :a0, #a1 = :a1',
      ConditionExpression: GUARD,
      ExpressionAttributeNames: { '#a0': 'version', '#a1': 'name', '#k': 'id', '#v': 'version' },
      ExpressionAttributeValues: { ':a0': N(version), ':a1': S(`v${version}`), ':v': N(version) },
    }),
};

/** What a guarded write leaves in the table when it applies. */
function applied(operation: GuardedOperation, stored: Item | undefined, version: string): Item[] {
  if (operation === 'DeleteItem') return [];
  if (operation === 'PutItem') return [{ id: S('a'), version: N(version), name: S(`v${version}`) }];
  return [{ ...(stored ?? { id: S('a') }), version: N(version), name: S(`v${version}`) }];
}

/** A fake whose `events` table holds `items` (written with PutItem: counters count them). */
async function fakeHolding(...items: Item[]): Promise<FakeDynamoDB> {
  const fake = fakeWithTables();
  for (const Item of items) await fake.send(new PutItemCommand({ TableName: 'events', Item }));
  return fake;
}

describe('FakeDynamoDB: version-guarded PutItem, DeleteItem and UpdateItem', () => {
  const BIG = '12345678901234567890123456789012345678';
  const STORED: [string, Item | undefined, string, 'applied' | 'stale'][] = [
    ['no item', undefined, '5', 'applied'],
    ['a lower version', { id: S('a'), version: N('4'), other: S('kept by updates') }, '5', 'applied'],
    ['an equal version', { id: S('a'), version: N('5'), other: S('o') }, '5', 'stale'],
    ['an equal version written another way', { id: S('a'), version: N('5.000') }, '5', 'stale'],
    ['a higher version', { id: S('a'), version: N('6'), other: S('o') }, '5', 'stale'],
    ['no version attribute', { id: S('a'), other: S('kept by updates') }, '5', 'applied'],
    ['a version that is a string', { id: S('a'), version: S('1') }, '5', 'stale'],
    ['a 38-digit version one lower', { id: S('a'), version: N(BIG) }, '12345678901234567890123456789012345679', 'applied'],
    ['the same 38-digit version', { id: S('a'), version: N(BIG) }, BIG, 'stale'],
    ['a 38-digit version one higher', { id: S('a'), version: N('12345678901234567890123456789012345679') }, BIG, 'stale'],
  ];
  const CASES = (['PutItem', 'DeleteItem', 'UpdateItem'] as const).flatMap((operation) =>
    STORED.map(([state, stored, version, outcome]) => [operation, state, stored, version, outcome] as const),
  );

  it.each(CASES)('%s over %s: %s', async (operation, _state, stored, version, outcome) => {
    const fake = stored ? await fakeHolding(stored) : fakeWithTables();
    const before = fake.rawItems('events');
    const written = fake.stats.itemsWritten;
    const send = fake.send(GUARDED[operation](version));
    if (outcome === 'applied') {
      expect(await send).toEqual({ $metadata: expect.objectContaining({ httpStatusCode: 200 }) });
      expect(fake.rawItems('events')).toEqual(applied(operation, before[0], version));
      expect(fake.stats.itemsWritten).toBe(written + 1);
    } else {
      const error = await rejection(send);
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expectServiceError(error, 'ConditionalCheckFailedException', 'The conditional request failed');
      expect(fake.rawItems('events')).toEqual(before);
      expect(fake.stats.itemsWritten).toBe(written);
      expect(fake.stats.errors).toEqual({ ConditionalCheckFailedException: 1 });
    }
    expect(fake.stats.calls[operation]).toBe(operation === 'PutItem' && stored ? 2 : 1); // fakeHolding stored with PutItem
  });

  it('keeps a tombstone no older write can overwrite, and lifts it with a newer update', async () => {
    const fake = await fakeHolding({ id: S('a'), version: N('3'), name: S('v3'), color: S('red') });
    // A delete in tombstone mode: the key, the version and the marker, guarded.
    await fake.send(new PutItemCommand({ TableName: 'events', Item: { id: S('a'), version: N('7'), deleted: { BOOL: true } }, ...guard('7') }));
    await expect(fake.send(GUARDED.PutItem('6'))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(fake.send(GUARDED.DeleteItem('7'))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(fake.rawItems('events')).toEqual([{ id: S('a'), version: N('7'), deleted: { BOOL: true } }]);

    // An update in tombstone mode drops the marker: SET what the record carries, REMOVE #t.
    await fake.send(
      new UpdateItemCommand({
        TableName: 'events',
        Key: { id: S('a') },
        UpdateExpression: 'SET #a0 = :a0, #a1 = :a1 REMOVE #t',
        ConditionExpression: GUARD,
        ExpressionAttributeNames: { '#a0': 'version', '#a1': 'name', '#t': 'deleted', '#k': 'id', '#v': 'version' },
        ExpressionAttributeValues: { ':a0': N('8'), ':a1': S('v8'), ':v': N('8') },
      }),
    );
    expect(fake.rawItems('events')).toEqual([{ id: S('a'), version: N('8'), name: S('v8') }]);
    expect(fake.stats.writesPerKey('events')).toEqual(new Map([['a', 3]]));
  });

  it('updates without a guard: SETs what the request carries, creating the item when missing', async () => {
    const fake = await fakeHolding({ id: S('a'), name: S('old'), color: S('red') });
    const update = (id: string, name: string) =>
      fake.send(
        new UpdateItemCommand({
          TableName: 'events',
          Key: { id: S(id) },
          UpdateExpression: 'SET #a0 = :a0',
          ExpressionAttributeNames: { '#a0': 'name' },
          ExpressionAttributeValues: { ':a0': S(name) },
        }),
      );
    await update('a', 'new');
    await update('b', 'fresh');
    expect(fake.items('events')).toEqual([
      { id: 'a', name: 'new', color: 'red' },
      { id: 'b', name: 'fresh' },
    ]);
  });

  it('deletes: the item disappears from items(), rawItems() and Scan', async () => {
    const fake = await fakeHolding(event('a'), event('b'));
    await fake.send(new DeleteItemCommand({ TableName: 'events', Key: { id: S('a') } }));
    await fake.send(new DeleteItemCommand({ TableName: 'events', Key: { id: S('missing') } })); // no item: nothing to do, no error
    expect(fake.items('events')).toEqual([{ id: 'b' }]);
    expect(fake.rawItems('events')).toEqual([{ id: S('b') }]);
    expect((await fake.send(new ScanCommand({ TableName: 'events' }))).Items).toEqual([{ id: S('b') }]);
    expect(fake.stats.writesPerKey('events')).toEqual(new Map([['a', 2], ['b', 1], ['missing', 1]]));
  });

  it('puts the stored item on the exception with ReturnValuesOnConditionCheckFailure: ALL_OLD', async () => {
    const stored = { id: S('a'), version: N('9') };
    const fake = await fakeHolding(stored);
    for (const operation of ['PutItem', 'DeleteItem', 'UpdateItem'] as const) {
      const command = GUARDED[operation]('1');
      Object.assign(command.input, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
      expect(await rejection(fake.send(command))).toMatchObject({ name: 'ConditionalCheckFailedException', Item: stored });
    }
    const plain = (await rejection(fake.send(GUARDED.PutItem('1')))) as ConditionalCheckFailedException;
    expect(plain.Item).toBeUndefined();
  });
});

describe('FakeDynamoDB: what single-item writes return', () => {
  const stored = { id: S('a'), y: S('y'), z: S('z'), blob: S('x'.repeat(1500)) };
  const update = (ReturnValues?: 'ALL_NEW' | 'ALL_OLD' | 'UPDATED_OLD' | 'UPDATED_NEW' | 'NONE') =>
    new UpdateItemCommand({
      TableName: 'events',
      Key: { id: S('a') },
      UpdateExpression: 'SET x = :x REMOVE y',
      ExpressionAttributeValues: { ':x': N('1') },
      ...(ReturnValues ? { ReturnValues } : {}),
    });
  const { id, y, z, blob } = stored;

  it.each([
    ['PutItem ALL_OLD', new PutItemCommand({ TableName: 'events', Item: event('a'), ReturnValues: 'ALL_OLD' }), { Attributes: stored }],
    ['PutItem NONE', new PutItemCommand({ TableName: 'events', Item: event('a'), ReturnValues: 'NONE' }), {}],
    ['PutItem TOTAL', new PutItemCommand({ TableName: 'events', Item: event('a'), ReturnConsumedCapacity: 'TOTAL' }), { ConsumedCapacity: { TableName: 'events', CapacityUnits: 2 } }],
    ['DeleteItem ALL_OLD', new DeleteItemCommand({ TableName: 'events', Key: event('a'), ReturnValues: 'ALL_OLD' }), { Attributes: stored }],
    [
      'DeleteItem INDEXES',
      new DeleteItemCommand({ TableName: 'events', Key: event('a'), ReturnConsumedCapacity: 'INDEXES' }),
      { ConsumedCapacity: { TableName: 'events', CapacityUnits: 2, Table: { CapacityUnits: 2 } } },
    ],
    ['UpdateItem ALL_NEW', update('ALL_NEW'), { Attributes: { id, z, blob, x: N('1') } }],
    ['UpdateItem ALL_OLD', update('ALL_OLD'), { Attributes: stored }],
    ['UpdateItem UPDATED_OLD', update('UPDATED_OLD'), { Attributes: { y } }],
    ['UpdateItem UPDATED_NEW', update('UPDATED_NEW'), { Attributes: { x: N('1') } }],
    ['UpdateItem NONE', update(), {}],
  ] as const)('%s', async (_, command, output) => {
    const fake = await fakeHolding(stored);
    const answer = await fake.send(command as PutItemCommand);
    const { $metadata, ...rest } = answer;
    expect(rest).toEqual(output);
    expect($metadata.httpStatusCode).toBe(200);
  });

  it('returns no old attributes when there was no item', async () => {
    const fake = fakeWithTables();
    expect(await fake.send(update('ALL_OLD'))).not.toHaveProperty('Attributes');
    expect(await fake.send(new DeleteItemCommand({ TableName: 'events', Key: event('b'), ReturnValues: 'ALL_OLD' }))).not.toHaveProperty('Attributes');
    expect(fake.rawItems('events')).toEqual([{ id: S('a'), x: N('1') }]);
  });

  it('creates an item from its key alone when the update has nothing to set', async () => {
    const fake = fakeWithTables();
    await fake.send(new UpdateItemCommand({ TableName: 'events', Key: event('a'), UpdateExpression: 'REMOVE nope' }));
    await fake.send(new UpdateItemCommand({ TableName: 'readings', Key: { sensor: S('s'), at: N('1.50') } }));
    expect(fake.rawItems('events')).toEqual([{ id: S('a') }]);
    expect(fake.rawItems('readings')).toEqual([{ sensor: S('s'), at: N('1.5') }]);
  });
});

describe('FakeDynamoDB: single-item write validation', () => {
  const big = { id: S('a'), blob: S('y'.repeat(200 * 1024)) };
  type Command = PutItemCommand | DeleteItemCommand | UpdateItemCommand;
  const put = (input: Partial<PutItemCommand['input']>) => new PutItemCommand({ TableName: 'events', Item: event('a'), ...input });
  const del = (input: Partial<DeleteItemCommand['input']>) => new DeleteItemCommand({ TableName: 'events', Key: event('a'), ...input });
  const update = (input: Partial<UpdateItemCommand['input']>) => new UpdateItemCommand({ TableName: 'events', Key: event('a'), ...input });

  const CASES: [string, Command, string, Item[]?][] = [
    ['names without an expression', put({ ExpressionAttributeNames: { '#k': 'id' } }), 'ExpressionAttributeNames can only be specified when using expressions'],
    [
      'values without an expression',
      update({ ExpressionAttributeValues: { ':x': N('1') } }),
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    ],
    [
      'a name never used',
      put({ ...guard('1'), ExpressionAttributeNames: { '#k': 'id', '#v': 'version', '#x': 'x' } }),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}',
    ],
    [
      'a value never used',
      update({ UpdateExpression: 'SET a = :x', ExpressionAttributeValues: { ':x': S('b'), ':y': S('c') } }),
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}',
    ],
    [
      'a name placeholder not defined',
      del({ ConditionExpression: 'attribute_not_exists(#k) OR #v < :v', ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { ':v': N('1') } }),
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #v',
    ],
    [
      'a value placeholder not defined',
      put({ ConditionExpression: '#v < :v', ExpressionAttributeNames: { '#v': 'version' } }),
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v',
    ],
    [
      'a syntax error',
      put({ ConditionExpression: 'attribute_not_exists(#k) OR', ExpressionAttributeNames: { '#k': 'id' } }),
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "OR"',
    ],
    [
      'a condition over 4 KB',
      put({ ConditionExpression: `attribute_not_exists(a${'z'.repeat(4096)})` }),
      'Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4119',
    ],
    [
      'an update over 4 KB',
      update({ UpdateExpression: `SET a${'z'.repeat(4096)} = :x`, ExpressionAttributeValues: { ':x': S('b') } }),
      'Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;',
    ],
    ['a reserved word', del({ ConditionExpression: 'attribute_exists(status)' }), 'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status'],
    [
      'a reserved word in an update',
      update({ UpdateExpression: 'SET #a = :x, data = :x', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':x': S('b') } }),
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: data',
    ],
    [
      'a bad value',
      update({ UpdateExpression: 'SET a = :x', ExpressionAttributeValues: { ':x': N('NaN') } }),
      'ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: NaN for key :x',
    ],
    [
      'expression and legacy parameters together',
      put({ ConditionExpression: 'attribute_not_exists(id)', Expected: { id: { Exists: false } } }),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    ],
    [
      'an update of the partition key',
      update({ UpdateExpression: 'SET id = :x', ExpressionAttributeValues: { ':x': S('a') } }),
      'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key',
    ],
    [
      'an update of the partition key through a name',
      update({ ...guard('1'), UpdateExpression: 'SET #k = :v' }),
      'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key',
    ],
    [
      'a removal of the sort key',
      new UpdateItemCommand({ TableName: 'readings', Key: { sensor: S('s'), at: N('1') }, UpdateExpression: 'REMOVE #at', ExpressionAttributeNames: { '#at': 'at' } }),
      'One or more parameter values were invalid: Cannot update attribute at. This attribute is part of the key',
    ],
    [
      'an item over 400 KB after the update',
      update({ UpdateExpression: 'SET a = :x', ExpressionAttributeValues: { ':x': S('x'.repeat(205 * 1024)) } }),
      'Item size to update has exceeded the maximum allowed size',
      [big],
    ],
    ['an item over 400 KB', put({ Item: { id: S('a'), blob: S('x'.repeat(400 * 1024)) }, ...guard('1') }), 'Item size has exceeded the maximum allowed size'],
    [
      'a path the item does not have',
      update({ UpdateExpression: 'SET nope.x = :x', ExpressionAttributeValues: { ':x': S('b') } }),
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'two paths that overlap',
      update({ UpdateExpression: 'SET #a0 = :a0 REMOVE #t', ExpressionAttributeNames: { '#a0': 'deleted', '#t': 'deleted' }, ExpressionAttributeValues: { ':a0': S('b') } }),
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [deleted], path two: [deleted]',
    ],
    ['a key with an extra attribute', del({ Key: { id: S('a'), v: S('x') } }), 'The provided key element does not match the schema'],
    ['a key without its sort key', new DeleteItemCommand({ TableName: 'readings', Key: { sensor: S('s') } }), 'The provided key element does not match the schema'],
    ['a key of the wrong type', update({ Key: { id: N('1') }, UpdateExpression: 'REMOVE x' }), 'The provided key element does not match the schema'],
    [
      'an empty string key',
      del({ Key: { id: S('') } }),
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id',
    ],
    ['ALL_NEW on PutItem', put({ ReturnValues: 'ALL_NEW' }), 'ReturnValues can only be ALL_OLD or NONE'],
    ['ALL_NEW on DeleteItem', del({ ReturnValues: 'UPDATED_NEW' }), 'Return values set to invalid value'],
    [
      'an unknown ReturnValues',
      update({ ReturnValues: 'EVERYTHING' as 'ALL_NEW' }),
      "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
    ],
  ];

  it.each(CASES)('refuses %s, writing nothing', async (_, command, message, stored = []) => {
    const fake = await fakeHolding(...stored);
    const before = { events: fake.rawItems('events'), written: fake.stats.itemsWritten };
    const error = await rejection(fake.send(command));
    expectServiceError(error, 'ValidationException', message);
    expect(error.constructor).toBe(DynamoDBServiceException);
    expect(fake.rawItems('events')).toEqual(before.events);
    expect(fake.rawItems('readings')).toEqual([]);
    expect(fake.stats.itemsWritten).toBe(before.written);
    expect(fake.stats.errors).toEqual({ ValidationException: 1 });
  });

  it('answers ResourceNotFoundException for a missing table', async () => {
    const fake = fakeWithTables();
    for (const command of [
      new PutItemCommand({ TableName: 'missing', Item: event('a'), ...guard('1') }),
      new DeleteItemCommand({ TableName: 'missing', Key: event('a') }),
      new UpdateItemCommand({ TableName: 'missing', Key: event('a'), UpdateExpression: 'REMOVE x' }),
    ]) {
      expectServiceError(await rejection(fake.send(command)), 'ResourceNotFoundException', 'Requested resource not found');
    }
  });
});

describe('FakeDynamoDB: BatchWriteItem deletes and several tables', () => {
  const reading = (at: string): Item => ({ sensor: S('s'), at: N(at) });

  it('deletes and puts across tables in one call, the same key in two tables being two keys', async () => {
    const fake = fakeWithTables().createTableSync('archive', { partitionKey: 'id' });
    await batch(fake, { events: [put(event('a')), put(event('b'))], archive: [put(event('a'))], readings: [put(reading('1')), put(reading('2'))] });
    const output = await batch(fake, { events: [del(event('a')), put(event('c'))], archive: [del(event('a'))], readings: [del(reading('1.0'))] });
    expect(output.UnprocessedItems).toEqual({});
    expect(fake.items('events')).toEqual([{ id: 'b' }, { id: 'c' }]);
    expect(fake.items('archive')).toEqual([]);
    expect(fake.items('readings')).toEqual([{ sensor: 's', at: 2 }]);
    expect(fake.stats.writesPerKey('archive')).toEqual(new Map([['a', 2]]));
  });

  it.each([
    ['two deletes of one key', { events: [del(event('a')), del(event('a'))] }, 'Provided list of item keys contains duplicates'],
    ['a delete and a put of one key', { events: [del(event('a')), put(event('a'))] }, 'Provided list of item keys contains duplicates'],
    ['a delete key without its sort key', { readings: [del({ sensor: S('s') })] }, 'The provided key element does not match the schema'],
    ['a delete key of the wrong type', { readings: [del({ sensor: S('s'), at: S('1') })] }, 'The provided key element does not match the schema'],
    ['an empty delete key', { readings: [del({})] }, 'The provided key element does not match the schema'],
    [
      '26 requests over two tables, deletes included',
      { events: Array.from({ length: 13 }, (_, i) => del(event(`d${i}`))), readings: Array.from({ length: 13 }, (_, i) => del(reading(`${i}`))) },
      'Too many items requested for the BatchWriteItem call',
    ],
  ] as const)('refuses %s, writing nothing', async (_, requestItems, message) => {
    const fake = fakeWithTables();
    await batch(fake, { events: [put(event('d1'))] });
    expectServiceError(await rejection(batch(fake, structuredClone(requestItems) as BatchWriteItemCommandInput['RequestItems'])), 'ValidationException', message);
    expect(fake.items('events')).toEqual([{ id: 'd1' }]);
  });

  it('takes 25 requests over three tables', async () => {
    const fake = fakeWithTables().createTableSync('archive', { partitionKey: 'id' });
    const output = await batch(fake, {
      events: events(10),
      archive: Array.from({ length: 10 }, (_, i) => del(event(`e${i}`))),
      readings: Array.from({ length: 5 }, (_, i) => put(reading(`${i}`))),
    });
    expect(output.UnprocessedItems).toEqual({});
    expect(fake.stats.itemsWritten).toBe(25);
  });

  it('hands back deletes across tables as UnprocessedItems, per table, and leaves their items', async () => {
    const fake = fakeWithTables();
    await batch(fake, { events: [put(event('a')), put(event('b'))], readings: [put(reading('1'))] });
    fake.failNext({ unprocessed: 2 });
    const output = await batch(fake, { events: [put(event('c')), del(event('a'))], readings: [del(reading('1'))] });
    expect(output.UnprocessedItems).toEqual({ events: [del(event('a'))], readings: [del(reading('1'))] });
    expect(fake.items('events')).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(fake.items('readings')).toEqual([{ sensor: 's', at: 1 }]);
    expect(fake.stats.unprocessedItems).toBe(2);
  });

  it('hands back deletes at unprocessedRate, as sent, and applies them once resent', async () => {
    const fake = fakeWithTables({ unprocessedRate: 1 });
    await fake.send(new PutItemCommand({ TableName: 'events', Item: event('a') }));
    const requestItems = { events: [del(event('a')), put(event('b'))], readings: [del(reading('001.0'))] };
    const output = await batch(fake, requestItems);
    expect(output.UnprocessedItems).toEqual(requestItems); // the key as sent, not normalized
    expect(fake.items('events')).toEqual([{ id: 'a' }]);
    fake.options.unprocessedRate = 0;
    expect((await batch(fake, output.UnprocessedItems)).UnprocessedItems).toEqual({});
    expect(fake.items('events')).toEqual([{ id: 'b' }]);
  });
});

describe('FakeDynamoDB: faults on single-item writes', () => {
  it.each(['PutItem', 'DeleteItem', 'UpdateItem'] as const)('scripts a throttle for %s alone, which writes nothing', async (operation) => {
    const fake = await fakeHolding({ id: S('a'), version: N('1') });
    fake.failNext({ error: 'ProvisionedThroughputExceededException', operation });
    await batch(fake, { events: [put(event('b'))] }); // other operations are not affected
    const error = await rejection(fake.send(GUARDED[operation]('2')));
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(fake.rawItems('events')).toEqual([{ id: S('a'), version: N('1') }, { id: S('b') }]);
    await fake.send(GUARDED[operation]('2'));
    expect(fake.pendingFaults).toBe(0);
    expect(fake.stats.errors).toEqual({ ProvisionedThroughputExceededException: 1 });
  });

  it('throttles before it checks the condition, as DynamoDB does', async () => {
    const fake = await fakeHolding({ id: S('a'), version: N('9') });
    fake.failNext({ error: 'ThrottlingException', operation: 'PutItem' });
    await expect(fake.send(GUARDED.PutItem('1'))).rejects.toBeInstanceOf(ThrottlingException);
    await expect(fake.send(GUARDED.PutItem('1'))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('applies the write, then throws, with afterWrite: a retried guarded write then loses to itself', async () => {
    const fake = await fakeHolding({ id: S('a'), version: N('1'), color: S('red') });
    fake.failNext({ error: 'InternalServerError', operation: 'UpdateItem', afterWrite: true });
    await expect(fake.send(GUARDED.UpdateItem('2'))).rejects.toBeInstanceOf(InternalServerError);
    expect(fake.items('events')).toEqual([{ id: 'a', version: 2, name: 'v2', color: 'red' }]);
    await expect(fake.send(GUARDED.UpdateItem('2'))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('throws the scripted error with afterWrite even when the condition failed', async () => {
    const fake = await fakeHolding({ id: S('a'), version: N('9') });
    fake.failNext({ error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), operation: 'DeleteItem', afterWrite: true });
    expect(await rejection(fake.send(GUARDED.DeleteItem('1')))).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
    expect(fake.items('events')).toEqual([{ id: 'a', version: 9 }]);
  });

  it('scripts a ConditionalCheckFailedException', async () => {
    const fake = fakeWithTables().failNext({ error: 'ConditionalCheckFailedException', operation: 'PutItem' });
    const error = await rejection(fake.send(new PutItemCommand({ TableName: 'events', Item: event('a') })));
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expectServiceError(error, 'ConditionalCheckFailedException', 'The conditional request failed');
    expect(fake.items('events')).toEqual([]);
  });

  it('validates first: a request DynamoDB refuses leaves the scripted fault for the next call', async () => {
    const fake = fakeWithTables().failNext({ error: 'InternalServerError', operation: 'UpdateItem' });
    expect(await rejection(fake.send(new UpdateItemCommand({ TableName: 'events', Key: event('a'), UpdateExpression: 'SET' })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(fake.pendingFaults).toBe(1);
    await expect(fake.send(new UpdateItemCommand({ TableName: 'events', Key: event('a'), UpdateExpression: 'REMOVE x' }))).rejects.toBeInstanceOf(InternalServerError);
  });

  it('throttles and fails single-item writes at throttleRate and serverErrorRate', async () => {
    const fake = fakeWithTables({ throttleRate: 1 });
    for (const operation of ['PutItem', 'DeleteItem', 'UpdateItem'] as const) {
      await expect(fake.send(GUARDED[operation]('1'))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    }
    await expect(batch(fake, { events: events(1) })).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await fake.send(new GetItemCommand({ TableName: 'events', Key: event('a') })); // reads are never throttled
    fake.options.throttleRate = 0;
    fake.options.serverErrorRate = 1;
    const error = await rejection(fake.send(GUARDED.DeleteItem('1')));
    expectServiceError(error, 'InternalServerError', 'Internal server error', 500, 'server');
    expect(fake.items('events')).toEqual([]);
  });

  it('limits random faults to faultyOperations', async () => {
    const fake = fakeWithTables({ throttleRate: 1, faultyOperations: ['PutItem', 'DeleteItem', 'UpdateItem'] });
    await batch(fake, { events: [put(event('a'))] });
    await expect(fake.send(GUARDED.PutItem('1'))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    fake.options.faultyOperations = ['BatchWriteItem'];
    await fake.send(GUARDED.UpdateItem('1'));
    expect(fake.items('events')).toEqual([{ id: 'a', version: 1, name: 'v1' }]);
    expect(() => new FakeDynamoDB({ faultyOperations: ['GetItem' as 'PutItem'] })).toThrow(
      'FakeDynamoDB: faultyOperations takes BatchWriteItem, PutItem, DeleteItem, UpdateItem; got GetItem',
    );
  });

  it('draws as it did before single-item writes existed: a batch-only test sees the same faults for the same seed', async () => {
    // Recorded with the fake as it was before PutItem, DeleteItem and UpdateItem took random faults.
    const fake = fakeWithTables({ unprocessedRate: 0.2, throttleRate: 0.2, serverErrorRate: 0.2, seed: 3 });
    const seen: (number | string)[] = [];
    for (let call = 0; call < 12; call++) {
      try {
        seen.push((await batch(fake, { events: events(4, call * 4) })).UnprocessedItems?.events?.length ?? 0);
      } catch (error) {
        seen.push((error as Error).name);
      }
    }
    const [throttled, failed] = ['ProvisionedThroughputExceededException', 'InternalServerError'];
    expect(seen).toEqual([failed, failed, 0, 1, 0, throttled, 0, throttled, 0, 0, 2, 0]);
  });
});

describe('FakeDynamoDB: counting single-item writes', () => {
  it('counts calls, writes per key and condition failures', async () => {
    const fake = fakeWithTables();
    await fake.send(GUARDED.PutItem('1'));
    await fake.send(GUARDED.UpdateItem('2'));
    await rejection(fake.send(GUARDED.UpdateItem('2')));
    await fake.send(GUARDED.DeleteItem('3'));
    await batch(fake, { events: [put(event('b')), del(event('c'))] });
    await rejection(fake.send(new PutItemCommand({ TableName: 'events', Item: event('') })));
    expect(fake.stats).toMatchObject({
      batchWriteCalls: 1,
      itemWriteCalls: 5,
      itemsWritten: 5,
      calls: { PutItem: 2, UpdateItem: 2, DeleteItem: 1, BatchWriteItem: 1 },
      errors: { ConditionalCheckFailedException: 1, ValidationException: 1 },
    });
    expect(fake.stats.writesPerKey('events')).toEqual(new Map([['a', 3], ['b', 1], ['c', 1]]));
    expect(fake.items('events')).toEqual([{ id: 'b' }]);
  });

  it('tracks single-item writes in flight, apart from and together with batches', async () => {
    const fake = fakeWithTables({ latencyMs: 20 });
    const calls = [
      ...Array.from({ length: 3 }, (_, i) => fake.send(new PutItemCommand({ TableName: 'events', Item: event(`p${i}`) }))),
      fake.send(new UpdateItemCommand({ TableName: 'events', Key: event('u'), UpdateExpression: 'REMOVE x' })),
      batch(fake, { events: events(2) }),
      fake.send(new DescribeTableCommand({ TableName: 'events' })),
    ];
    expect(fake.stats).toMatchObject({ inFlight: 1, itemWritesInFlight: 4, writesInFlight: 5 });
    await Promise.all(calls);
    expect(fake.stats).toMatchObject({ inFlight: 0, itemWritesInFlight: 0, writesInFlight: 0, peakInFlight: 1, peakItemWritesInFlight: 4, peakWritesInFlight: 5 });
  });
});

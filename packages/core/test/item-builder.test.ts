import { describe, expect, it } from 'vitest';
import { ItemBuilder, PrepareError, type BuildOptions, type PreparedWrite } from '../src/dynamo/item-builder.js';
import { parseKeySpec, type KeySpec } from '../src/dynamo/key-spec.js';
import type { SinkRecord } from '../src/sink.js';

const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };
const PLAIN: BuildOptions = {
  timestampField: 'timestamp',
  timestampUnit: undefined,
  ttl: undefined,
  include: undefined,
  exclude: undefined,
  transform: undefined,
  deleteWhen: undefined,
  version: undefined,
  deleteMode: 'hard',
  tombstoneAttribute: 'deleted',
  writeMode: 'put',
};

function builder(partition: string, sort?: string, options: Partial<BuildOptions> = {}, timeZone = 'UTC'): ItemBuilder {
  const spec = (s: string): KeySpec => parseKeySpec(s, 'key', timeZone);
  return new ItemBuilder({ partition: spec(partition), partitionType: 'S', sort: sort ? spec(sort) : undefined, sortType: 'S' }, 'events', { ...PLAIN, ...options });
}
/** The write's requests as the SDK's input shapes (the builder writes them as JSON text). */
const decoded = (write: PreparedWrite) => ({
  batch: write.batch === undefined ? undefined : JSON.parse(write.batch),
  single: write.single && { operation: write.single.operation, input: JSON.parse(write.single.body) },
});
const itemOf = (write: PreparedWrite) => decoded(write).batch?.PutRequest?.Item;
function failure(build: () => unknown): PrepareError {
  try {
    build();
  } catch (error) {
    return error as PrepareError;
  }
  throw new Error('expected the build to fail');
}

describe("ItemBuilder: the sample's worked examples", () => {
  const record: SinkRecord = { value: SEED_MESSAGE };

  it('Example 1 copies string fields', () => {
    expect(itemOf(builder('key1', 'key3').build(record))).toEqual({
      timestamp: { N: '1667844200703123' },
      key1: { S: 'value1' },
      key2: { N: '10' },
      key3: { S: 'value3' },
    });
  });

  it('Example 2 formats the timestamp, in UTC and in Europe/Berlin', () => {
    expect(itemOf(builder('year_month|%Y-%m', 'rest_of_ts|%d-%H:%M:%S.%f').build(record))).toMatchObject({
      year_month: { S: '2022-11' },
      rest_of_ts: { S: '07-18:03:20.703123' },
    });
    expect(itemOf(builder('year_month|%Y-%m', 'rest_of_ts|%d-%H:%M:%S.%f', {}, 'Europe/Berlin').build(record))).toMatchObject({
      year_month: { S: '2022-11' },
      rest_of_ts: { S: '07-19:03:20.703123' },
    });
  });

  it('Example 3 has no sort key', () => {
    const built = builder('my_date_time|%Y-%m-%dT%H:%M:%S.%f').build(record);
    expect(itemOf(built)?.my_date_time).toEqual({ S: '2022-11-07T18:03:20.703123' });
    expect(built.keyId).toBe('S2022-11-07T18:03:20.703123');
  });

  it("falls back to the record's timestamp when the value has none", () => {
    const built = builder('day|%Y-%m-%d').build({ value: { a: 1 }, timestamp: new Date('2024-02-29T23:59:59Z') });
    expect(itemOf(built)).toEqual({ a: { N: '1' }, day: { S: '2024-02-29' } });
  });

  it('counts the derived attributes in the size, and replaces a field of the same name', () => {
    const built = builder('day|%Y').build({ value: { day: 'a long value that is replaced' }, timestamp: 0 });
    expect(itemOf(built)).toEqual({ day: { S: '1970' } });
    expect(built.size).toBe('day'.length + '1970'.length);
  });

  it.each<[string, SinkRecord, string, string | undefined, string]>([
    ['no timestamp anywhere', { value: { a: 1 } }, 'invalid-key', 'timestamp', 'No timestamp for a time-formatted key: the value has no "timestamp" field and the record has no timestamp'],
    ['an unreadable timestamp', { value: { timestamp: 'soon' } }, 'invalid-key', 'timestamp', 'Cannot read the timestamp: '],
    ['a string value', { value: 'text' }, 'invalid-value', undefined, 'Record value must be an object, got string'],
    ['an array value', { value: [1] }, 'invalid-value', undefined, 'Record value must be an object, got an array'],
    ['an item over 400 KB', { value: { timestamp: 1, big: 'x'.repeat(409_600) } }, 'item-too-large', undefined, "Item is 409621 bytes, over DynamoDB's limit of 409600 bytes (400 KB)"],
  ])('fails %s', (_name, bad, reason, field, message) => {
    const error = failure(() => builder('day|%Y').build(bad));
    expect(error).toBeInstanceOf(PrepareError);
    expect(error.reason).toBe(reason);
    expect(error.field).toBe(field);
    expect(error.message.slice(0, message.length)).toBe(message);
  });
});

describe('ItemBuilder: what each record becomes', () => {
  const GUARD = 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v';
  const versioned = { version: { field: 'v', attribute: 'v' } } as const;
  const at = new Date('2026-01-01T00:00:00.250Z');
  const nanos = String(BigInt(at.getTime()) * 1_000_000n);

  it.each<[string, Partial<BuildOptions>, SinkRecord, ReturnType<typeof decoded>]>([
    ['a put rides in a batch', {}, { key: 'a', value: { id: 'a', n: 1 } }, { batch: { PutRequest: { Item: { id: { S: 'a' }, n: { N: '1' } } } }, single: undefined }],
    ['a tombstone deletes by key, in a batch', {}, { key: 'a', value: null }, { batch: { DeleteRequest: { Key: { id: { S: 'a' } } } }, single: undefined }],
    [
      'a delete marker through deleteWhen deletes by key',
      { deleteWhen: (r) => (r.value as { op?: string }).op === 'd' },
      { key: 'a', value: { op: 'd', id: 'ignored' } },
      { batch: { DeleteRequest: { Key: { id: { S: 'a' } } } }, single: undefined },
    ],
    [
      'a guarded put is a conditional PutItem',
      versioned,
      { key: 'a', value: { v: 3 } },
      {
        batch: undefined,
        single: {
          operation: 'PutItem',
          input: {
            TableName: 'events',
            Item: { id: { S: 'a' }, v: { N: '3' } },
            ConditionExpression: GUARD,
            ExpressionAttributeNames: { '#k': 'id', '#v': 'v' },
            ExpressionAttributeValues: { ':v': { N: '3' } },
          },
        },
      },
    ],
    [
      'a guarded hard delete is a conditional DeleteItem',
      { ...versioned, deleteWhen: (r) => (r.value as { gone?: boolean }).gone === true },
      { key: 'a', value: { v: 4, gone: true } },
      {
        batch: undefined,
        single: {
          operation: 'DeleteItem',
          input: {
            TableName: 'events',
            Key: { id: { S: 'a' } },
            ConditionExpression: GUARD,
            ExpressionAttributeNames: { '#k': 'id', '#v': 'v' },
            ExpressionAttributeValues: { ':v': { N: '4' } },
          },
        },
      },
    ],
    [
      "a guarded tombstone delete puts a tombstone item, versioned by the record's time, expiring",
      { version: { field: '@timestamp', attribute: 'version' }, deleteMode: 'tombstone', ttl: { attribute: 'ttl', afterSeconds: 60 } },
      { key: 'a', value: null, timestamp: at },
      {
        batch: undefined,
        single: {
          operation: 'PutItem',
          input: {
            TableName: 'events',
            Item: { id: { S: 'a' }, version: { N: nanos }, deleted: { BOOL: true }, ttl: { N: String(at.getTime() / 1000 - 0.25 + 60) } },
            ConditionExpression: GUARD,
            ExpressionAttributeNames: { '#k': 'id', '#v': 'version' },
            ExpressionAttributeValues: { ':v': { N: nanos } },
          },
        },
      },
    ],
    [
      'an update SETs every attribute but the keys, through placeholders',
      { writeMode: 'update' },
      { key: 'a', value: { id: 'a', name: 'x', 'odd.name': 2 } },
      {
        batch: undefined,
        single: {
          operation: 'UpdateItem',
          input: {
            TableName: 'events',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET #a0 = :a0, #a1 = :a1',
            ExpressionAttributeNames: { '#a0': 'name', '#a1': 'odd.name' },
            ExpressionAttributeValues: { ':a0': { S: 'x' }, ':a1': { N: '2' } },
          },
        },
      },
    ],
    [
      'a guarded update in tombstone mode also removes the marker',
      { writeMode: 'update', ...versioned, deleteMode: 'tombstone' },
      { key: 'a', value: { v: 9, name: 'x' } },
      {
        batch: undefined,
        single: {
          operation: 'UpdateItem',
          input: {
            TableName: 'events',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET #a0 = :a0, #a1 = :a1 REMOVE #t',
            ConditionExpression: GUARD,
            ExpressionAttributeNames: { '#a0': 'name', '#a1': 'v', '#t': 'deleted', '#k': 'id', '#v': 'v' },
            ExpressionAttributeValues: { ':a0': { S: 'x' }, ':a1': { N: '9' }, ':v': { N: '9' } },
          },
        },
      },
    ],
  ])('%s', (_name, options, record, expected) => {
    const keyed = builder('id=key', undefined, options);
    const built = keyed.build(record);
    expect(decoded(built)).toEqual(expected);
    expect(built.keyId).toBe('Sa');
  });

  it.each<[string, Partial<BuildOptions>, Record<string, unknown>, Record<string, unknown>]>([
    ['include keeps the named fields and the key', { include: new Set(['n']) }, { id: 'a', n: 1, drop: 2 }, { id: { S: 'a' }, n: { N: '1' } }],
    ['exclude drops the named fields, never the key', { exclude: new Set(['secret', 'id']) }, { id: 'a', n: 1, secret: 's' }, { id: { S: 'a' }, n: { N: '1' } }],
    [
      'transform builds the value that keys and attributes read',
      { transform: (r) => (r.value as { after: object }).after },
      { after: { id: 'a', n: 1 }, before: null },
      { id: { S: 'a' }, n: { N: '1' } },
    ],
  ])('%s', (_name, options, value, item) => {
    expect(itemOf(builder('id', undefined, options).build({ value }))).toEqual(item);
  });

  it.each<[string, Partial<BuildOptions>, SinkRecord, string, string | undefined, string]>([
    ['a tombstone whose key spec reads the value', {}, { value: null }, 'invalid-key', 'id', 'tombstone'],
    [
      'a tombstone under a value version',
      versioned,
      { value: null, headers: { id: 'a' } },
      'invalid-value',
      'v',
      "This delete is a tombstone (value null), so it carries no \"v\" to guard it with; use versionField '@timestamp' (the record's time), or mark deletes inside values with deleteWhen",
    ],
    ['a record without its version', versioned, { value: { id: 'a' } }, 'invalid-value', 'v', 'Version field "v" must be a number, got nothing (the field is missing)'],
    ['a version that is not a number', versioned, { value: { id: 'a', v: '3' } }, 'invalid-value', 'v', 'Version field "v" must be a number, got string'],
    ['a transform that throws', { transform: () => { throw new Error('boom'); } }, { value: { id: 'a' } }, 'invalid-value', undefined, '`attributes.transform` threw: boom'],
    ['a transform that returns no object', { transform: () => 'text' }, { value: { id: 'a' } }, 'invalid-value', undefined, '`attributes.transform` must return an object, got string'],
    ['a deleteWhen that throws', { deleteWhen: () => { throw new Error('nope'); } }, { value: { id: 'a' } }, 'invalid-value', undefined, '`deleteWhen` threw: nope'],
    [
      'a tombstone when deletes are off',
      { deleteWhen: () => false },
      { value: null },
      'invalid-value',
      undefined,
      'Record value must be an object, got null (a tombstone, which `deleteWhen` does not count as a delete)',
    ],
    ['ttl without a timestamp', { ttl: { attribute: 'ttl', afterSeconds: 1 } }, { value: { id: 'a' } }, 'invalid-value', 'timestamp', 'No timestamp for `ttl`: the value has no "timestamp" field and the record has no timestamp'],
    [
      'an update over DynamoDB expression limits',
      { writeMode: 'update' },
      { value: Object.fromEntries([['id', 'a'], ...Array.from({ length: 301 }, (_, i) => [`f${i}`, i])]) },
      'invalid-value',
      undefined,
      "The record sets 301 attributes: its UpdateExpression would be over DynamoDB's limits (4 KB, 300 operators); send fewer attributes, or use writeMode 'put'",
    ],
  ])('fails %s, alone, naming the field', (_name, options, record, reason, field, message) => {
    const error = failure(() => builder(record.headers ? 'id=header.id' : 'id', undefined, options).build(record));
    expect(error).toBeInstanceOf(PrepareError);
    expect([error.reason, error.field]).toEqual([reason, field]);
    expect(error.message).toContain(message);
  });

  it('keeps exact numbers as versions: a 20-digit version, and a bigint', () => {
    const guarded = builder('id', undefined, versioned);
    expect(decoded(guarded.build({ value: { id: 'a', v: 12345678901234567890n } })).single?.input).toMatchObject({ ExpressionAttributeValues: { ':v': { N: '12345678901234567890' } } });
    expect(decoded(guarded.build({ value: { id: 'a', v: { isLosslessNumber: true, value: '98765432109876543210' } } })).single?.input).toMatchObject({
      ExpressionAttributeValues: { ':v': { N: '98765432109876543210' } },
    });
  });

  it('prefixes keyIds with the table when one sink writes to several, so that equal keys of two tables never collapse', () => {
    const spec = parseKeySpec('id', 'partitionKey', 'UTC');
    const orders = new ItemBuilder({ partition: spec, partitionType: 'S' }, 'orders', PLAIN, 'orders\u0001');
    const users = new ItemBuilder({ partition: spec, partitionType: 'S' }, 'users', PLAIN, 'users\u0001');
    const record = { value: { id: 'a' } };
    expect(orders.build(record).keyId).not.toBe(users.build(record).keyId);
    expect(orders.keyIdOfItem({ id: { S: 'a' } })).toBe(orders.build(record).keyId);
  });
});

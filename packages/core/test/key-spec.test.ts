import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { ItemBuilder, PrepareError } from '../src/dynamo/item-builder.js';
import { keyAttribute, parseKeySpec, type KeySpec } from '../src/dynamo/key-spec.js';
import type { SinkRecord } from '../src/sink.js';

const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };
const GRAMMAR = `expected "name" (copy that field) or "name|strftime-pattern" (format the timestamp), e.g. "id" or "hour_of_day|%Y-%m-%d %H"`;

describe('parseKeySpec', () => {
  it.each([
    ['key1', { kind: 'field', attribute: 'key1' }],
    ['hour_of_day|%Y-%m-%d %H', { kind: 'time', attribute: 'hour_of_day' }],
    ['a.b-c', { kind: 'field', attribute: 'a.b-c' }],
  ])('parses %j', (spec, expected) => {
    expect(parseKeySpec(spec, 'partitionKey', 'UTC')).toMatchObject({ ...expected, spec });
  });

  it.each([
    ['', 'the attribute name is empty'],
    ['|%Y', 'the attribute name is empty'],
    [' day|%Y', 'the attribute name has leading or trailing spaces'],
    ['day|', 'the strftime pattern after "|" is empty'],
    ['a|%Y|%m', "it has 2 '|' where at most one is allowed"],
  ])('rejects %j with a message that shows the spec and the grammar', (spec, why) => {
    expect(() => parseKeySpec(spec, 'sortKey', 'UTC')).toThrow(new ConfigError(`Invalid \`sortKey\` ${JSON.stringify(spec)}: ${why}; ${GRAMMAR}`));
  });

  it('rejects an unknown strftime directive at parse time', () => {
    expect(() => parseKeySpec('day|%Q', 'partitionKey', 'UTC')).toThrow(/^Invalid `partitionKey` "day\|%Q": .*%Q/);
  });

  it('rejects an unknown time zone at parse time', () => {
    expect(() => parseKeySpec('day|%Y', 'partitionKey', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});

describe('keyAttribute', () => {
  const field = parseKeySpec('id', 'partitionKey', 'UTC');
  const noTime = undefined;
  it.each<[unknown, 'S' | 'N' | 'B', string]>([
    [undefined, 'S', 'Key field "id" must be a non-empty string, got nothing (the field is missing)'],
    ['', 'S', 'Key field "id" must be a non-empty string, got an empty string'],
    [12, 'S', 'Key field "id" must be a non-empty string, got number 12'],
    [null, 'S', 'Key field "id" must be a non-empty string, got null'],
    ['12', 'N', 'Key field "id" must be a number (the table declares it N), got a string'],
    ['ab', 'B', 'Key field "id" must be non-empty binary (the table declares it B), got a string'],
    [new Uint8Array(), 'B', 'Key field "id" must be non-empty binary (the table declares it B), got Uint8Array '],
  ])('refuses %j as a %s key', (value, type, message) => {
    expect(() => keyAttribute(field, type, { id: value }, noTime, 2048)).toThrow(message);
  });

  it.each<[unknown, 'S' | 'N' | 'B', unknown]>([
    ['abc', 'S', { S: 'abc' }],
    [42, 'N', { N: '42' }],
    [12345678901234567890n, 'N', { N: '12345678901234567890' }],
    [new Uint8Array([1, 2]), 'B', { B: new Uint8Array([1, 2]) }],
  ])('takes %s as a %s key', (value, type, expected) => {
    expect(keyAttribute(field, type, { id: value }, noTime, 2048)).toEqual(expected);
  });

  it('refuses a key over the limit by its UTF-8 bytes, and takes one at the limit', () => {
    const at = (value: unknown, type: 'S' | 'B', maxBytes: number) => () => keyAttribute(field, type, { id: value }, noTime, maxBytes);
    expect(at('k'.repeat(1024), 'S', 1024)).not.toThrow();
    expect(at('k'.repeat(1025), 'S', 1024)).toThrow(`Key field "id" is 1025 bytes, over DynamoDB's limit of 1024 bytes for this key`);
    expect(at('é'.repeat(1024), 'S', 2048)).not.toThrow(); // 2 bytes each
    expect(at(`${'é'.repeat(1024)}x`, 'S', 2048)).toThrow('is 2049 bytes');
    expect(at('€'.repeat(683), 'S', 2048)).toThrow('is 2049 bytes'); // 3 bytes each, 683 code units
    expect(at(new Uint8Array(1024), 'B', 1024)).not.toThrow();
    expect(at(new Uint8Array(1025), 'B', 1024)).toThrow('is 1025 bytes');
  });
});

describe("ItemBuilder: the sample's worked examples", () => {
  const builder = (partition: string, sort?: string, timeZone = 'UTC') => {
    const spec = (s: string): KeySpec => parseKeySpec(s, 'key', timeZone);
    return new ItemBuilder({ partition: spec(partition), partitionType: 'S', sort: sort ? spec(sort) : undefined, sortType: 'S' }, 'timestamp', undefined);
  };
  const record: SinkRecord = { value: SEED_MESSAGE };

  it('Example 1 copies string fields', () => {
    expect(builder('key1', 'key3').build(record).item).toEqual({
      timestamp: { N: '1667844200703123' },
      key1: { S: 'value1' },
      key2: { N: '10' },
      key3: { S: 'value3' },
    });
  });

  it('Example 2 formats the timestamp, in UTC and in Europe/Berlin', () => {
    expect(builder('year_month|%Y-%m', 'rest_of_ts|%d-%H:%M:%S.%f').build(record).item).toMatchObject({
      year_month: { S: '2022-11' },
      rest_of_ts: { S: '07-18:03:20.703123' },
    });
    expect(builder('year_month|%Y-%m', 'rest_of_ts|%d-%H:%M:%S.%f', 'Europe/Berlin').build(record).item).toMatchObject({
      year_month: { S: '2022-11' },
      rest_of_ts: { S: '07-19:03:20.703123' },
    });
  });

  it('Example 3 has no sort key', () => {
    const built = builder('my_date_time|%Y-%m-%dT%H:%M:%S.%f').build(record);
    expect(built.item.my_date_time).toEqual({ S: '2022-11-07T18:03:20.703123' });
    expect(built.keyId).toBe('S2022-11-07T18:03:20.703123');
  });

  it("falls back to the record's timestamp when the value has none", () => {
    const built = builder('day|%Y-%m-%d').build({ value: { a: 1 }, timestamp: new Date('2024-02-29T23:59:59Z') });
    expect(built.item).toEqual({ a: { N: '1' }, day: { S: '2024-02-29' } });
  });

  it('counts the derived attributes in the size, and replaces a field of the same name', () => {
    const built = builder('day|%Y').build({ value: { day: 'a long value that is replaced' }, timestamp: 0 });
    expect(built.item).toEqual({ day: { S: '1970' } });
    expect(built.size).toBe('day'.length + '1970'.length);
  });

  it.each<[string, SinkRecord, string, string | undefined, string]>([
    ['no timestamp anywhere', { value: { a: 1 } }, 'invalid-key', 'timestamp', 'No timestamp for a time-formatted key: the value has no "timestamp" field and the record has no timestamp'],
    ['an unreadable timestamp', { value: { timestamp: 'soon' } }, 'invalid-key', 'timestamp', 'Cannot read the timestamp: '],
    ['a string value', { value: 'text' }, 'invalid-value', undefined, 'Record value must be an object, got string'],
    ['an array value', { value: [1] }, 'invalid-value', undefined, 'Record value must be an object, got an array'],
    ['an item over 400 KB', { value: { timestamp: 1, big: 'x'.repeat(409_600) } }, 'item-too-large', undefined, "Item is 409621 bytes, over DynamoDB's limit of 409600 bytes (400 KB)"],
  ])('fails %s', (_name, bad, reason, field, message) => {
    const error = (() => {
      try {
        builder('day|%Y').build(bad);
      } catch (e) {
        return e;
      }
    })() as PrepareError;
    expect(error).toBeInstanceOf(PrepareError);
    expect(error.reason).toBe(reason);
    expect(error.field).toBe(field);
    expect(error.message.slice(0, message.length)).toBe(message);
  });
});

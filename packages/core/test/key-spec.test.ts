import { LosslessNumber } from 'lossless-json';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, RecordError } from '../src/errors.js';
import { keyAttribute, parseKeySpec, readsTime, readsValue, type KeyInput, type KeySpec, type KeyType } from '../src/dynamo/key-spec.js';
import { toInstant } from '../src/dynamo/timestamp.js';
import { parseJson } from '../src/json/parse-json.js';
import type { SinkRecord } from '../src/sink.js';

// Counts the JSON parses of record keys (the real parser underneath).
vi.mock('../src/json/parse-json.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/json/parse-json.js')>();
  return { ...original, parseJson: vi.fn(original.parseJson) };
});

const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };
const GRAMMAR =
  'expected "name" (copy the value\'s field), "name|strftime-pattern" (format the timestamp) or "name=SOURCE" ' +
  '(SOURCE: key, key.PATH, value.PATH, topic, partition, offset or header.NAME; PATH: fields separated by ".", ' +
  'digits index an array), e.g. "id", "hour_of_day|%Y-%m-%d %H" or "id=key.id"';

const utf8 = (text: string) => new TextEncoder().encode(text);
const TWENTY_DIGITS = '12345678901234567890';

describe('parseKeySpec', () => {
  it.each([
    ['key1', { kind: 'field', attribute: 'key1' }],
    ['hour_of_day|%Y-%m-%d %H', { kind: 'time', attribute: 'hour_of_day' }],
    ['a.b-c', { kind: 'field', attribute: 'a.b-c' }],
    ['id=key', { kind: 'source', attribute: 'id', source: { from: 'key', text: 'key' } }],
    ['t=topic', { kind: 'source', attribute: 't', source: { from: 'topic', text: 'topic' } }],
    ['p=partition', { kind: 'source', attribute: 'p', source: { from: 'partition', text: 'partition' } }],
    ['o=offset', { kind: 'source', attribute: 'o', source: { from: 'offset', text: 'offset' } }],
    ['id=key.id', { kind: 'source', attribute: 'id', source: { from: 'key-json', text: 'key.id', path: [{ name: 'id', index: -1 }] } }],
    [
      'id=value.device.ids.0',
      {
        kind: 'source',
        attribute: 'id',
        source: { from: 'value', text: 'value.device.ids.0', path: [{ name: 'device', index: -1 }, { name: 'ids', index: -1 }, { name: '0', index: 0 }] },
      },
    ],
    ['key.id=key.12', { kind: 'source', attribute: 'key.id', source: { from: 'key-json', text: 'key.12', path: [{ name: '12', index: 12 }] } }],
    // A header name is taken whole, dots included.
    ['trace=header.x.trace.id', { kind: 'source', attribute: 'trace', source: { from: 'header', name: 'x.trace.id', text: 'header.x.trace.id' } }],
    ['my key #1=header.Tenant ID', { kind: 'source', attribute: 'my key #1', source: { from: 'header', name: 'Tenant ID', text: 'header.Tenant ID' } }],
  ])('parses %j', (spec, expected) => {
    expect(parseKeySpec(spec, 'partitionKey', 'UTC')).toEqual(expect.objectContaining({ ...expected, spec }));
  });

  it.each([
    ['', 'the attribute name is empty'],
    ['|%Y', 'the attribute name is empty'],
    [' day|%Y', 'the attribute name has leading or trailing spaces'],
    ['day|', 'the strftime pattern after "|" is empty'],
    ['a|%Y|%m', "it has 2 '|' where at most one is allowed"],
    ['=key', 'the attribute name is empty'],
    [' =key', 'the attribute name is empty'],
    ['id =key', 'the attribute name has leading or trailing spaces'],
    ['id=', 'the source after "=" is empty'],
    ['id= key', 'the source " key" has leading or trailing spaces'],
    ['id=key ', 'the source "key " has leading or trailing spaces'],
    ['id=foo', 'unknown source "foo"'],
    ['id=Key', 'unknown source "Key"'],
    ['id=topic.name', 'unknown source "topic.name"'],
    ['id=.key', 'unknown source ".key"'],
    ['id=keys.id', 'unknown source "keys.id"'],
    ['id=value', 'the source "value" needs a path to a field, e.g. "value.id"'],
    ['id=header', 'the source "header" needs a header name, e.g. "header.tenant"'],
    ['id=key.', 'the path after "key." has an empty field name ("")'],
    ['id=value.', 'the path after "value." has an empty field name ("")'],
    ['id=value.a..b', 'the path after "value." has an empty field name ("a..b")'],
    ['id=key..a', 'the path after "key." has an empty field name (".a")'],
    ['id=key.a.', 'the path after "key." has an empty field name ("a.")'],
    ['id=header.', 'the header name after "header." is empty'],
    ['id=a=b', "it has 2 '=' where at most one is allowed"],
    ['id=header.a=b', "it has 2 '=' where at most one is allowed"],
    ['day|%Y=key', `it has both '|' and '=' where a spec is either "name|pattern" or "name=SOURCE"`],
    ['id=key|%Y', `it has both '|' and '=' where a spec is either "name|pattern" or "name=SOURCE"`],
  ])('rejects %j with a message that shows the spec and the grammar', (spec, why) => {
    expect(() => parseKeySpec(spec, 'sortKey', 'UTC')).toThrow(new ConfigError(`Invalid \`sortKey\` ${JSON.stringify(spec)}: ${why}; ${GRAMMAR}`));
  });

  it('rejects an unknown strftime directive at parse time', () => {
    expect(() => parseKeySpec('day|%Q', 'partitionKey', 'UTC')).toThrow(/^Invalid `partitionKey` "day\|%Q": .*%Q/);
  });

  it('rejects an unknown time zone at parse time', () => {
    expect(() => parseKeySpec('day|%Y', 'partitionKey', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });

  it.each([
    ['id', true, false],
    ['id=value.id', true, false],
    ['day|%Y', false, true],
    ['id=key', false, false],
    ['id=key.id', false, false],
    ['id=topic', false, false],
    ['id=partition', false, false],
    ['id=offset', false, false],
    ['id=header.tenant', false, false],
  ])('%j: readsValue %s, readsTime %s', (spec, value, time) => {
    const key = parseKeySpec(spec, 'partitionKey', 'UTC');
    expect([readsValue(key), readsTime(key)]).toEqual([value, time]);
  });
});

/** Runs a spec on a record; `value` defaults to the record's value (the item builder passes the transformed one). */
function read(spec: string, type: KeyType, record: SinkRecord, maxBytes = 2048, value = record.value as Record<string, unknown> | null): unknown {
  const input: KeyInput = { record, value, instant: undefined };
  return keyAttribute(parseKeySpec(spec, 'partitionKey', 'UTC'), type, input, maxBytes);
}

/** The RecordError a read throws, as [message, field]. */
function failure(spec: string, type: KeyType, record: SinkRecord, maxBytes = 2048): [string, string | undefined] {
  try {
    read(spec, type, record, maxBytes);
  } catch (error) {
    expect(error).toBeInstanceOf(RecordError);
    return [(error as RecordError).message, (error as RecordError).field];
  }
  throw new Error(`${spec} read ${JSON.stringify(record)} without failing`);
}

describe('keyAttribute: "name" (a field of the value)', () => {
  const field = parseKeySpec('id', 'partitionKey', 'UTC');
  const of = (id: unknown): KeyInput => ({ record: { value: { id } }, value: { id }, instant: undefined });
  it.each<[unknown, KeyType, string]>([
    [undefined, 'S', 'Key field "id" must be a non-empty string, got nothing (the field is missing)'],
    ['', 'S', 'Key field "id" must be a non-empty string, got an empty string'],
    [12, 'S', 'Key field "id" must be a non-empty string, got number 12'],
    [null, 'S', 'Key field "id" must be a non-empty string, got null'],
    ['12', 'N', 'Key field "id" must be a number (the table declares it N), got a string'],
    ['ab', 'B', 'Key field "id" must be non-empty binary (the table declares it B), got a string'],
    [new Uint8Array(), 'B', 'Key field "id" must be non-empty binary (the table declares it B), got Uint8Array '],
  ])('refuses %j as a %s key', (value, type, message) => {
    expect(failure('id', type, { value: { id: value } })).toEqual([message, 'id']);
  });

  it.each<[unknown, KeyType, unknown]>([
    ['abc', 'S', { S: 'abc' }],
    [42, 'N', { N: '42' }],
    [12345678901234567890n, 'N', { N: '12345678901234567890' }],
    [new LosslessNumber(`${TWENTY_DIGITS}.5`), 'N', { N: `${TWENTY_DIGITS}.5` }],
    [new Uint8Array([1, 2]), 'B', { B: new Uint8Array([1, 2]) }],
  ])('takes %s as a %s key', (value, type, expected) => {
    expect(keyAttribute(field, type, of(value), 2048)).toEqual(expected);
  });

  it('names the field in every failure', () => {
    expect(failure('id', 'S', { value: { id: 1 } })[1]).toBe('id');
    expect(failure('id', 'N', { value: { id: Number.NaN } })).toEqual(['id: number NaN cannot be stored: DynamoDB numbers must be finite', 'id']);
  });

  it('reads the value it is given (the transformed one), not the record\'s', () => {
    expect(read('id', 'S', { value: { id: 'raw' } }, 2048, { id: 'transformed' })).toEqual({ S: 'transformed' });
  });

  it('refuses a key over the limit by its UTF-8 bytes, and takes one at the limit', () => {
    const at = (value: unknown, type: 'S' | 'B', maxBytes: number) => () => keyAttribute(field, type, of(value), maxBytes);
    expect(at('k'.repeat(1024), 'S', 1024)).not.toThrow();
    expect(at('k'.repeat(1025), 'S', 1024)).toThrow(`Key field "id" is 1025 bytes, over DynamoDB's limit of 1024 bytes for this key`);
    expect(at('é'.repeat(1024), 'S', 2048)).not.toThrow(); // 2 bytes each
    expect(at(`${'é'.repeat(1024)}x`, 'S', 2048)).toThrow('is 2049 bytes');
    expect(at('€'.repeat(683), 'S', 2048)).toThrow('is 2049 bytes'); // 3 bytes each, 683 code units
    expect(at(new Uint8Array(1024), 'B', 1024)).not.toThrow();
    expect(at(new Uint8Array(1025), 'B', 1024)).toThrow('is 1025 bytes');
  });
});

describe('keyAttribute: "name|pattern" (the record\'s time)', () => {
  it('formats the instant it is given', () => {
    const key = parseKeySpec('day|%Y-%m-%dT%H:%M:%S.%f', 'sortKey', 'UTC');
    const input: KeyInput = { record: { value: null }, value: null, instant: toInstant(SEED_MESSAGE.timestamp) };
    expect(keyAttribute(key, 'S', input, 1024)).toEqual({ S: '2022-11-07T18:03:20.703123' });
  });
});

describe('keyAttribute: "name=SOURCE", every source as every key type', () => {
  const JSON_KEY = `{"id":"dev-1","n":${TWENTY_DIGITS},"small":7,"deep":{"list":[{"x":"first"},{"x":"second"}]},"text":"42"}`;
  const record: SinkRecord = {
    value: { device: { id: 'dev-1', serial: 12345678901234567890n, exact: new LosslessNumber(TWENTY_DIGITS), raw: utf8('dev-1'), tags: ['a', 'b'] } },
    key: JSON_KEY,
    topic: 'devices',
    partition: 3,
    offset: TWENTY_DIGITS,
    headers: { tenant: 'acme', 'tenant-bytes': utf8('acmé'), seq: '17', 'seq-bytes': utf8('18'), blob: new Uint8Array([0xff, 0x00, 0x80]) },
  };
  it.each<[string, KeyType, SinkRecord, unknown]>([
    // key: the record key as text, converted.
    ['id=key', 'S', { value: null, key: 'dev-1' }, { S: 'dev-1' }],
    ['id=key', 'S', { value: null, key: utf8('dévice ✓') }, { S: 'dévice ✓' }],
    ['id=key', 'N', { value: null, key: TWENTY_DIGITS }, { N: TWENTY_DIGITS }],
    ['id=key', 'N', { value: null, key: utf8('-12.5e3') }, { N: '-12.5e3' }],
    ['id=key', 'B', { value: null, key: 'dé' }, { B: utf8('dé') }],
    ['id=key', 'B', { value: null, key: new Uint8Array([0xff, 0x00]) }, { B: new Uint8Array([0xff, 0x00]) }],
    // key.PATH: a field of the key parsed as JSON, every digit kept; strict types.
    ['id=key.id', 'S', record, { S: 'dev-1' }],
    ['id=key.n', 'N', record, { N: TWENTY_DIGITS }],
    ['id=key.small', 'N', record, { N: '7' }],
    ['id=key.deep.list.1.x', 'S', record, { S: 'second' }],
    ['id=key.id', 'S', { value: null, key: utf8('{"id":"from bytes"}') }, { S: 'from bytes' }],
    ['id=key.0', 'S', { value: null, key: '{"0":"a field named 0"}' }, { S: 'a field named 0' }],
    ['id=key.1', 'N', { value: null, key: `[1, ${TWENTY_DIGITS}1]` }, { N: `${TWENTY_DIGITS}1` }],
    // value.PATH: a nested field of the value; strict types.
    ['id=value.device.id', 'S', record, { S: 'dev-1' }],
    ['id=value.device.tags.1', 'S', record, { S: 'b' }],
    ['id=value.device.serial', 'N', record, { N: TWENTY_DIGITS }],
    ['id=value.device.exact', 'N', record, { N: TWENTY_DIGITS }],
    ['id=value.device.raw', 'B', record, { B: utf8('dev-1') }],
    ['id=value.m.k', 'S', { value: { m: new Map([['k', 'from a Map']]) } }, { S: 'from a Map' }],
    // topic, partition, offset: converted.
    ['t=topic', 'S', record, { S: 'devices' }],
    ['t=topic', 'N', { value: null, topic: '42' }, { N: '42' }],
    ['t=topic', 'B', record, { B: utf8('devices') }],
    ['p=partition', 'S', record, { S: '3' }],
    ['p=partition', 'N', record, { N: '3' }],
    ['p=partition', 'B', record, { B: utf8('3') }],
    ['p=partition', 'S', { value: null, partition: 0 }, { S: '0' }],
    ['o=offset', 'S', record, { S: TWENTY_DIGITS }],
    ['o=offset', 'N', record, { N: TWENTY_DIGITS }],
    ['o=offset', 'B', record, { B: utf8(TWENTY_DIGITS) }],
    // header.NAME: text or bytes, converted; binary headers stay as they are for B.
    ['h=header.tenant', 'S', record, { S: 'acme' }],
    ['h=header.tenant-bytes', 'S', record, { S: 'acmé' }],
    ['h=header.seq', 'N', record, { N: '17' }],
    ['h=header.seq-bytes', 'N', record, { N: '18' }],
    ['h=header.tenant', 'B', record, { B: utf8('acme') }],
    ['h=header.blob', 'B', record, { B: new Uint8Array([0xff, 0x00, 0x80]) }],
  ])('%s as %s', (spec, type, input, expected) => {
    expect(read(spec, type, input)).toEqual(expected);
  });

  it('reads a tombstone through its key and metadata', () => {
    const tombstone: SinkRecord = { value: null, key: '{"id":"gone"}', topic: 'devices', partition: 1, offset: '9', headers: { tenant: 'acme' } };
    expect(read('id=key.id', 'S', tombstone)).toEqual({ S: 'gone' });
    expect(read('id=key', 'S', tombstone)).toEqual({ S: '{"id":"gone"}' });
    expect(read('t=topic', 'S', tombstone)).toEqual({ S: 'devices' });
    expect(read('h=header.tenant', 'S', tombstone)).toEqual({ S: 'acme' });
  });

  it('gives B keys the record key\'s own bytes', () => {
    const bytes = new Uint8Array([0, 1, 2]);
    expect((read('id=key', 'B', { value: null, key: bytes }) as { B: Uint8Array }).B).toBe(bytes);
  });
});

describe('keyAttribute: "name=SOURCE" failures name the source and say what was found', () => {
  const notUtf8 = new Uint8Array([0x66, 0x6f, 0xff, 0xfe]);
  const long = new Uint8Array(20).fill(0xff);
  it.each<[string, KeyType, SinkRecord, string, string]>([
    // key
    ['id=key', 'S', { value: null }, 'key', 'Key "id" reads key, but the record has no key'],
    ['id=key', 'B', { value: null, key: null }, 'key', 'Key "id" reads key, but the record has no key'],
    ['id=key', 'S', { value: null, key: '' }, 'key', 'Key "id" reads key, but the record key is empty'],
    ['id=key', 'B', { value: null, key: new Uint8Array() }, 'key', 'Key "id" reads key, but the record key is empty'],
    ['id=key', 'S', { value: null, key: notUtf8 }, 'key', 'Key "id" reads key, but the record key is not UTF-8 text (4 bytes: 66 6f ff fe); declare the key B to store bytes as they are'],
    ['id=key', 'N', { value: null, key: long }, 'key', 'Key "id" reads key, but the record key is not UTF-8 text (20 bytes: ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ...); declare the key B to store bytes as they are'],
    ['id=key', 'N', { value: null, key: 'dev-1' }, 'key', 'Key "id" reads key, which must be a number (the table declares it N), got the string "dev-1"'],
    ['id=key', 'N', { value: null, key: '007' }, 'key', 'Key "id" reads key, which must be a number (the table declares it N), got the string "007"'],
    ['id=key', 'N', { value: null, key: '1'.repeat(39) }, 'key', `key: number ${'1'.repeat(39)} has more than 38 significant digits, the most DynamoDB stores`],
    ['id=key', 'N', { value: null, key: '1e200' }, 'key', 'key: number 1e200 is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude'],
    // key.PATH
    ['id=key.id', 'S', { value: null }, 'key.id', 'Key "id" reads key.id, but the record has no key'],
    ['id=key.id', 'S', { value: null, key: '' }, 'key.id', 'Key "id" reads key.id, but the record key is empty'],
    ['id=key.id', 'S', { value: null, key: 'dev-1' }, 'key.id', `Key "id" reads key.id, but the record key is not JSON: JSON value expected but got 'd' at position 0 (key: "dev-1")`],
    ['id=key.id', 'S', { value: null, key: notUtf8 }, 'key.id', 'Key "id" reads key.id, but the record key is not UTF-8 text (4 bytes: 66 6f ff fe); declare the key B to store bytes as they are'],
    ['id=key.id', 'S', { value: null, key: '{"other":1}' }, 'key.id', 'Key "id" reads key.id, but key.id is missing'],
    ['id=key.id', 'S', { value: null, key: '5' }, 'key.id', 'Key "id" reads key.id, but key is number 5, not an object'],
    ['id=key.id', 'S', { value: null, key: '"dev-1"' }, 'key.id', 'Key "id" reads key.id, but key is a string, not an object'],
    ['id=key.a.b', 'S', { value: null, key: '{"a":null}' }, 'key.a.b', 'Key "id" reads key.a.b, but key.a is null, not an object'],
    ['id=key.a.b', 'S', { value: null, key: '{"a":{}}' }, 'key.a.b', 'Key "id" reads key.a.b, but key.a.b is missing'],
    ['id=key.a.2', 'S', { value: null, key: '{"a":["x","y"]}' }, 'key.a.2', 'Key "id" reads key.a.2, but key.a.2 is missing (key.a has 2 elements)'],
    ['id=key.a.x', 'S', { value: null, key: '{"a":["x"]}' }, 'key.a.x', 'Key "id" reads key.a.x, but key.a is an array, which "x" cannot index (a position is digits, e.g. key.a.0)'],
    ['id=key.id', 'S', { value: null, key: '{"id":12}' }, 'key.id', 'Key "id" reads key.id, which must be a non-empty string, got number 12'],
    ['id=key.id', 'S', { value: null, key: '{"id":""}' }, 'key.id', 'Key "id" reads key.id, which must be a non-empty string, got an empty string'],
    ['id=key.id', 'S', { value: null, key: '{"id":null}' }, 'key.id', 'Key "id" reads key.id, which must be a non-empty string, got null'],
    ['id=key.id', 'N', { value: null, key: '{"id":"12"}' }, 'key.id', 'Key "id" reads key.id, which must be a number (the table declares it N), got the string "12"'],
    ['id=key.id', 'N', { value: null, key: `{"id":1${'0'.repeat(38)}1}` }, 'key.id', `key.id: number 1${'0'.repeat(38)}1 has more than 38 significant digits, the most DynamoDB stores`],
    ['id=key.id', 'B', { value: null, key: '{"id":"ab"}' }, 'key.id', 'Key "id" reads key.id, which must be non-empty binary (the table declares it B), got the string "ab"'],
    ['id=key.toString', 'S', { value: null, key: '{}' }, 'key.toString', 'Key "id" reads key.toString, but key.toString is missing'],
    // value.PATH
    ['id=value.device.id', 'S', { value: {} }, 'value.device.id', 'Key "id" reads value.device.id, but value.device is missing'],
    ['id=value.device.id', 'S', { value: { device: 'dev-1' } }, 'value.device.id', 'Key "id" reads value.device.id, but value.device is a string, not an object'],
    ['id=value.device.id', 'S', { value: { device: 5 } }, 'value.device.id', 'Key "id" reads value.device.id, but value.device is number 5, not an object'],
    ['id=value.device.id', 'S', { value: { device: new Uint8Array([1]) } }, 'value.device.id', 'Key "id" reads value.device.id, but value.device is Uint8Array 1, not an object'],
    ['id=value.device.id', 'N', { value: { device: { id: 'x' } } }, 'value.device.id', 'Key "id" reads value.device.id, which must be a number (the table declares it N), got the string "x"'],
    ['id=value.device.id', 'B', { value: { device: { id: new Uint8Array() } } }, 'value.device.id', 'Key "id" reads value.device.id, which must be non-empty binary (the table declares it B), got Uint8Array '],
    // topic, partition, offset
    ['t=topic', 'S', { value: null }, 'topic', 'Key "t" reads topic, but the record has no topic'],
    ['t=topic', 'S', { value: null, topic: '' }, 'topic', "Key \"t\" reads topic, but the record's topic is empty"],
    ['t=topic', 'N', { value: null, topic: 'devices' }, 'topic', 'Key "t" reads topic, which must be a number (the table declares it N), got the string "devices"'],
    ['p=partition', 'N', { value: null }, 'partition', 'Key "p" reads partition, but the record has no partition'],
    ['o=offset', 'S', { value: null }, 'offset', 'Key "o" reads offset, but the record has no offset'],
    ['o=offset', 'N', { value: null, offset: 'latest' }, 'offset', 'Key "o" reads offset, which must be a number (the table declares it N), got the string "latest"'],
    ['o=offset', 'S', { value: null, offset: {} as string }, 'offset', "Key \"o\" reads offset, but the record's offset is Object [object Object], not text, a number or bytes"],
    // header.NAME
    ['h=header.tenant', 'S', { value: null }, 'header.tenant', 'Key "h" reads header.tenant, but the record has no header "tenant"'],
    ['h=header.tenant', 'S', { value: null, headers: { other: 'x', tenant: undefined } }, 'header.tenant', 'Key "h" reads header.tenant, but the record has no header "tenant"'],
    ['h=header.tenant', 'S', { value: null, headers: { tenant: '' } }, 'header.tenant', 'Key "h" reads header.tenant, but header "tenant" is empty'],
    ['h=header.tenant', 'B', { value: null, headers: { tenant: new Uint8Array() } }, 'header.tenant', 'Key "h" reads header.tenant, but header "tenant" is empty'],
    ['h=header.tenant', 'S', { value: null, headers: { tenant: notUtf8 } }, 'header.tenant', 'Key "h" reads header.tenant, but header "tenant" is not UTF-8 text (4 bytes: 66 6f ff fe); declare the key B to store bytes as they are'],
    ['h=header.seq', 'N', { value: null, headers: { seq: utf8('12a') } }, 'header.seq', 'Key "h" reads header.seq, which must be a number (the table declares it N), got the string "12a"'],
    ['h=header.constructor', 'S', { value: null, headers: {} }, 'header.constructor', 'Key "h" reads header.constructor, but the record has no header "constructor"'],
  ])('%s as %s fails on %o', (spec, type, record, field, message) => {
    expect(failure(spec, type, record)).toEqual([message, field]);
  });

  it('fails a tombstone for specs that read the value, suggesting a source a tombstone has', () => {
    const tombstone: SinkRecord = { value: null, key: '{"id":"gone"}' };
    expect(failure('id', 'S', tombstone)).toEqual([
      'Key field "id" cannot be read: the record is a tombstone (value null), which has only a key and metadata; name its item from those, e.g. "id=key" or "id=key.id"',
      'id',
    ]);
    expect(failure('device=value.device.id', 'S', tombstone)).toEqual([
      'Key "device" reads value.device.id, but the record is a tombstone (value null), which has only a key and metadata; name its item from those, e.g. "device=key" or "device=key.device"',
      'value.device.id',
    ]);
  });

  it.each<[string, KeyType, SinkRecord, number]>([
    ['id=key', 'S', { value: null, key: 'k'.repeat(1024) }, 1024],
    ['id=key', 'S', { value: null, key: utf8('é'.repeat(512)) }, 1024],
    ['id=key', 'B', { value: null, key: new Uint8Array(1024) }, 1024],
    ['id=key.id', 'S', { value: null, key: JSON.stringify({ id: 'k'.repeat(2048) }) }, 2048],
    ['id=value.id', 'S', { value: { id: `${'€'.repeat(341)}x` } }, 1024],
    ['id=value.id', 'B', { value: { id: new Uint8Array(1024) } }, 1024],
    ['t=topic', 'B', { value: null, topic: 't'.repeat(1024) }, 1024],
    ['h=header.h', 'S', { value: null, headers: { h: 'é'.repeat(512) } }, 1024],
    ['h=header.h', 'B', { value: null, headers: { h: 'é'.repeat(512) } }, 1024],
    ['h=header.h', 'B', { value: null, headers: { h: new Uint8Array(1024) } }, 1024],
  ])('%s as %s takes a value at the limit and refuses one byte more', (spec, type, record, maxBytes) => {
    expect(() => read(spec, type, record, maxBytes)).not.toThrow();
    const source = spec.slice(spec.indexOf('=') + 1);
    expect(failure(spec, type, record, maxBytes - 1)).toEqual([
      `Key "${spec.slice(0, spec.indexOf('='))}" reads ${source}, which is ${maxBytes} bytes, over DynamoDB's limit of ${maxBytes - 1} bytes for this key`,
      source,
    ]);
  });
});

describe('keyAttribute: a JSON record key is parsed once', () => {
  const partition = parseKeySpec('tenant=key.tenant', 'partitionKey', 'UTC');
  const sort = parseKeySpec('id=key.id', 'sortKey', 'UTC');
  const both = (record: SinkRecord) => {
    const input: KeyInput = { record, value: null, instant: undefined };
    return [keyAttribute(partition, 'S', input, 2048), keyAttribute(sort, 'N', input, 1024)];
  };

  it('once per record when both keys read it, and never returns another record\'s fields', () => {
    const parses = vi.mocked(parseJson);
    parses.mockClear();
    expect(both({ value: null, key: `{"tenant":"a","id":${TWENTY_DIGITS}}` })).toEqual([{ S: 'a' }, { N: TWENTY_DIGITS }]);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(both({ value: null, key: utf8('{"tenant":"b","id":2}') })).toEqual([{ S: 'b' }, { N: '2' }]);
    expect(parses).toHaveBeenCalledTimes(2);
    expect(both({ value: null, key: `{"tenant":"a","id":${TWENTY_DIGITS}}` })).toEqual([{ S: 'a' }, { N: TWENTY_DIGITS }]);
    expect(parses).toHaveBeenCalledTimes(3);
  });

  it('reads a byte key again when its buffer is reused with other bytes', () => {
    const buffer = utf8('{"tenant":"a","id":1}');
    expect(both({ value: null, key: buffer })).toEqual([{ S: 'a' }, { N: '1' }]);
    buffer.set(utf8('{"tenant":"b","id":2}'));
    expect(both({ value: null, key: buffer })).toEqual([{ S: 'b' }, { N: '2' }]);
  });

  it('fails the second key too when the first fails on a bad key', () => {
    const record: SinkRecord = { value: null, key: '{"tenant":' };
    expect(() => both(record)).toThrow('Key "tenant" reads key.tenant, but the record key is not JSON: ');
    expect(() => keyAttribute(sort, 'N', { record, value: null, instant: undefined }, 1024)).toThrow('Key "id" reads key.id, but the record key is not JSON: ');
  });
});

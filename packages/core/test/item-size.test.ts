import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';
import type { AddressInfo, Server } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordError } from '../src/errors.js';
import {
  attributeSize,
  itemSize,
  joinFieldPath,
  MAX_ITEM_BYTES,
  NumberRejection,
  numberSize,
  utf8ByteLength,
} from '../src/dynamo/item-size.js';
import { marshalItem } from '../src/dynamo/marshal.js';
import { seededRandom } from '../src/testing/seeded-random.js';

const require = createRequire(import.meta.url);

describe('numberSize', () => {
  // Expected sizes were measured on DynamoDB Local 3.3.0 and dynalite 4.0.0 (the size of `{a: {N}}` minus 1 for the name).
  it.each([
    ['0', 1],
    ['-0', 1],
    ['0.000', 1],
    ['0e5', 1],
    ['1', 2],
    ['-1', 3],
    ['9', 2],
    ['10', 2],
    ['12', 2],
    ['99', 2],
    ['100', 2],
    ['00100', 2],
    ['101', 3],
    ['123', 3],
    ['1234', 3],
    ['12345', 4],
    ['0.1', 2],
    ['0.0001', 2],
    ['0.12', 2],
    ['0.123', 3],
    ['1.5', 3], // two digits straddling the decimal point take two base-100 digits
    ['-1.5', 4],
    ['1e+21', 2],
    ['1E21', 2],
    ['5e-7', 2],
    ['1667844200703123', 9],
    ['1.1805916207174113e+21', 10],
    ['-0.000123', 4],
    ['12345678901234567890123456789012345678', 20],
    ['-12345678901234567890123456789012345678', 21],
    ['1234567890123456789012345678901234567.8', 21],
    ['1e-130', 2],
    ['-1e-130', 3],
    ['9.9999999999999999999999999999999999999E+125', 20],
    ['99999999999999999999999999999999999999e+88', 20],
    ['1' + '0'.repeat(60), 2],
    ['1.' + '0'.repeat(50), 2],
    ['.5', 2],
    ['5.', 2],
    ['-.5', 3],
    ['1e+0000000000000000000005', 2],
  ])('%s takes %i bytes', (text, bytes) => {
    expect(numberSize(text)).toBe(bytes);
  });

  it('counts 22 bytes for a negative number of 20 base-100 digits, as dynalite does (DynamoDB Local counts 21)', () => {
    // Oracle-style encodings drop the negative terminator byte when the mantissa has 20 bytes; DynamoDB Local
    // does, dynalite does not. We keep the larger count: a 1-byte over-count can never get an item refused.
    expect(numberSize('-1234567890123456789012345678901234567.8')).toBe(22);
    expect(numberSize('-0.012345678901234567890123456789012345678')).toBe(22);
  });

  it.each([
    ['', NumberRejection.Malformed],
    ['-', NumberRejection.Malformed],
    ['.', NumberRejection.Malformed],
    ['+1', NumberRejection.Malformed], // DynamoDB Local takes it, dynalite does not
    [' 1', NumberRejection.Malformed],
    ['1 ', NumberRejection.Malformed],
    ['1e', NumberRejection.Malformed],
    ['1e+', NumberRejection.Malformed],
    ['e5', NumberRejection.Malformed],
    ['1.2.3', NumberRejection.Malformed],
    ['0x10', NumberRejection.Malformed],
    ['1_000', NumberRejection.Malformed],
    ['NaN', NumberRejection.Malformed],
    ['Infinity', NumberRejection.Malformed],
    ['1E+126', NumberRejection.TooLarge],
    ['99999999999999999999999999999999999999e+89', NumberRejection.TooLarge],
    ['1e999999999999999999999', NumberRejection.TooLarge],
    ['1e-131', NumberRejection.TooSmall],
    ['1.5e-300', NumberRejection.TooSmall],
    ['123456789012345678901234567890123456789', NumberRejection.TooPrecise],
    ['0.' + '0'.repeat(50) + '123456789012345678901234567890123456789', NumberRejection.TooPrecise],
  ])('refuses %j', (text, rejection) => {
    expect(numberSize(text)).toBe(rejection);
  });

  it('takes zero with any exponent', () => {
    expect(numberSize('0e999999999999999999')).toBe(1);
    expect(numberSize('-0.0e-999')).toBe(1);
  });
});

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['中', 3],
    ['😀', 4],
    ['ß€𝄞', 9],
    ['\ud800\udc00', 4], // a pair: U+10000
    ['a\ud800', 4], // unpaired: counted as the 3-byte U+FFFD an encoder writes
    ['\udc00\ud800', 6],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
    expect(bytes).toBe(Buffer.byteLength(text, 'utf8'));
  });
});

describe('attributeSize', () => {
  // Every expectation here was measured on DynamoDB Local 3.3.0 (PutItem at the 400 KB boundary).
  const b = (...bytes: number[]) => new Uint8Array(bytes);
  it.each<[string, string, AttributeValue, number]>([
    ['string', 'abc', { S: 'abc' }, 6],
    ['empty string', 'a', { S: '' }, 1],
    ['2-byte character', 'a', { S: 'é' }, 3],
    ['3-byte character', 'a', { S: '中' }, 4],
    ['4-byte character', 'a', { S: '😀' }, 5],
    ['non-ASCII name', 'é', { S: 'a' }, 3],
    ['astral name', '😀', { S: 'a' }, 5],
    ['BOOL', 'a', { BOOL: true }, 2],
    ['NULL', 'a', { NULL: true }, 2],
    ['binary', 'a', { B: b(1, 2, 3) }, 4],
    ['empty binary', 'a', { B: b() }, 1],
    ['number', 'a', { N: '-1.5' }, 5],
    ['string set', 'a', { SS: ['ab', 'c'] }, 4],
    ['string set, non-ASCII', 'a', { SS: ['é'] }, 3],
    ['number set', 'a', { NS: ['1', '22'] }, 5],
    ['binary set', 'a', { BS: [b(0, 0), b(1)] }, 4],
    ['empty list', 'a', { L: [] }, 4],
    ['list of one', 'a', { L: [{ S: 'x' }] }, 6],
    ['list of two', 'a', { L: [{ S: 'x' }, { N: '1' }] }, 9],
    ['empty map', 'a', { M: {} }, 4],
    ['map of one', 'a', { M: { b: { S: 'x' } } }, 7],
    ['map with a non-ASCII key', 'a', { M: { bé: { S: 'x' } } }, 9],
    ['map in a map', 'a', { M: { b: { M: {} } } }, 9],
    ['list in a list', 'a', { L: [{ L: [] }] }, 8],
  ])('%s', (_label, name, value, bytes) => {
    expect(attributeSize(name, value)).toBe(bytes);
  });
});

describe('itemSize', () => {
  it('sums its attributes', () => {
    const item: Record<string, AttributeValue> = {
      timestamp: { N: '1667844200703123' }, // 9 + 9
      key1: { S: 'value1' }, // 4 + 6
      key2: { N: '1' }, // 4 + 2
      key3: { S: 'value3' }, // 4 + 6
      payload: { M: { a: { L: [{ N: '1' }, { N: '2' }, { N: '3' }] }, b: { S: 'text' } } }, // 7 + 3 + (1+1+3+3*(1+2)) + (1+1+4)
    };
    expect(itemSize(item)).toBe(18 + 10 + 6 + 10 + 30);
    expect(itemSize({})).toBe(0);
  });

  it('throws RecordError naming the path of a number DynamoDB refuses', () => {
    const item = { a: { M: { 'b.c': { L: [{ N: '1' }, { N: '1e200' }] } } } };
    expect(() => itemSize(item)).toThrow(RecordError);
    expect(() => itemSize(item)).toThrow(
      'a["b.c"][1]: number 1e200 is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude',
    );
    try {
      itemSize({ x: { NS: ['1', 'one'] } });
    } catch (error) {
      expect(error).toBeInstanceOf(RecordError);
      expect((error as RecordError).field).toBe('x[1]');
      expect((error as RecordError).message).toBe('x[1]: "one" is not a decimal number DynamoDB accepts');
    }
    expect.assertions(5);
  });

  it('throws RecordError for a value with no type', () => {
    expect(() => itemSize({ a: {} as AttributeValue })).toThrow('a: {} is not an AttributeValue (no known type key)');
    expect(() => attributeSize('a', { M: { b: { $unknown: ['X', 1] } } as never })).toThrow(RecordError);
  });

  it('equals dynalite’s own computation, except that dynalite counts UTF-16 code units', () => {
    // dynalite's itemSize (db/index.js) is the rule it checks PutItem against; it takes binary as base64.
    const dynaliteItemSize = require('dynalite/db/index.js').itemSize as (item: unknown) => number;
    const random = seededRandom(20240611);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const text = () => {
      let out = '';
      for (let n = Math.floor(random() * 12); n > 0; n--) out += pick(['a', 'Z', '0', ' ', 'é', '中', '😀', '\u{10FFFF}']);
      return out;
    };
    const number = () => {
      let digits = '';
      for (let n = 1 + Math.floor(random() * 38); n > 0; n--) digits += Math.floor(random() * 10);
      const point = Math.floor(random() * (digits.length + 1));
      const exponent = random() < 0.3 ? `e${Math.floor(random() * 120) - 60}` : '';
      return `${random() < 0.3 ? '-' : ''}${digits.slice(0, point) || '0'}.${digits.slice(point) || '0'}${exponent}`;
    };
    const bytes = () => Uint8Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 256));
    /** UTF-8 bytes beyond UTF-16 code units, over every name and string of an item. */
    const shortfall = (value: unknown): number => {
      const excess = (s: string) => utf8ByteLength(s) - s.length;
      if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + shortfall(element), 0);
      if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return 0;
      let sum = 0;
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'S') sum += excess(inner as string);
        else if (key === 'SS') sum += (inner as string[]).reduce((total, s) => total + excess(s), 0);
        else if (key === 'M') sum += Object.entries(inner as object).reduce((total, [k, v]) => total + excess(k) + shortfall(v), 0);
        else sum += shortfall(inner);
      }
      return sum;
    };
    const value = (depth: number): AttributeValue => {
      switch (Math.floor(random() * (depth > 4 ? 9 : 11))) {
        case 0: return { S: text() };
        case 1: return { N: number() };
        case 2: return { B: bytes() };
        case 3: return { BOOL: random() < 0.5 };
        case 4: return { NULL: true };
        case 5: return { SS: [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, text))] };
        case 6: return { NS: Array.from({ length: 1 + Math.floor(random() * 4) }, number) };
        case 7: return { BS: Array.from({ length: 1 + Math.floor(random() * 4) }, bytes) };
        case 8: return { S: '' };
        case 9: return { L: Array.from({ length: Math.floor(random() * 5) }, () => value(depth + 1)) };
        default: {
          const map: Record<string, AttributeValue> = {};
          for (let n = Math.floor(random() * 5); n > 0; n--) map[text() || 'k'] = value(depth + 1);
          return { M: map };
        }
      }
    };
    const base64 = (item: unknown): unknown =>
      item instanceof Uint8Array ? Buffer.from(item).toString('base64')
        : Array.isArray(item) ? item.map(base64)
          : typeof item === 'object' && item !== null ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, base64(v)]))
            : item;
    for (let round = 0; round < 3000; round++) {
      const item: Record<string, AttributeValue> = {};
      for (let n = 1 + Math.floor(random() * 6); n > 0; n--) item[text() || 'name'] = value(1);
      const names = Object.keys(item).reduce((sum, name) => sum + utf8ByteLength(name) - name.length, 0);
      expect(itemSize(item)).toBe(dynaliteItemSize(base64(item)) + names + shortfall(Object.values(item)));
    }
  });
});

describe('joinFieldPath', () => {
  it.each<[string | undefined, string | number, string]>([
    [undefined, 'payload', 'payload'],
    ['', 'payload', 'payload'],
    ['payload', 'a', 'payload.a'],
    ['payload.a', 2, 'payload.a[2]'],
    [undefined, 0, '[0]'],
    ['payload', 'a.b', 'payload["a.b"]'],
    ['payload', '', 'payload[""]'],
    ['payload', 'key-1_$é', 'payload.key-1_$é'],
    ['payload', 'with space', 'payload["with space"]'],
  ])('%j + %j = %j', (parent, key, path) => {
    expect(joinFieldPath(parent, key)).toBe(path);
  });
});

/**
 * The 400 KB boundary against real servers: an item our functions size at exactly MAX_ITEM_BYTES is stored,
 * one byte more is refused, by PutItem and by BatchWriteItem. dynalite always runs; DynamoDB Local (AWS's own
 * emulator) runs too when DYNAMODB_LOCAL_ENDPOINT names one, e.g. http://127.0.0.1:8000.
 */
interface BoundaryServer {
  readonly name: string;
  /** DynamoDB Local counts UTF-8 bytes as documented; dynalite counts UTF-16 code units. */
  readonly countsUtf8: boolean;
  /** DynamoDB Local sizes a negative number of 20 base-100 digits at 21 bytes; dynalite and we at 22. */
  readonly dropsNegativeTerminatorAt20Digits: boolean;
  start(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

const servers: BoundaryServer[] = [
  {
    name: 'dynalite',
    countsUtf8: false,
    dropsNegativeTerminatorAt20Digits: false,
    async start() {
      const server = require('dynalite')({ createTableMs: 0 }) as Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
      };
    },
  },
];
const localEndpoint = process.env.DYNAMODB_LOCAL_ENDPOINT;
if (localEndpoint) {
  servers.push({
    name: 'DynamoDB Local',
    countsUtf8: true,
    dropsNegativeTerminatorAt20Digits: true,
    start: async () => ({ endpoint: localEndpoint, stop: async () => {} }),
  });
}

const TABLE = 'item-size-boundary';

/** Builders of plain values whose marshalled item, with the key `pk`, measures exactly `target` bytes. */
const random = seededRandom(42);
/** `count` random digits, the first and last not zero (so that all of them are significant). */
const digits = (count: number) => {
  const nonZero = () => String(1 + Math.floor(random() * 9));
  if (count === 1) return nonZero();
  let out = nonZero();
  while (out.length < count - 1) out += Math.floor(random() * 10);
  return out + nonZero();
};
const ascii = (length: number) => {
  let out = '';
  while (out.length < length) out += String.fromCharCode(32 + Math.floor(random() * 95));
  return out;
};
const bytes = (length: number) => Uint8Array.from({ length }, () => Math.floor(random() * 256));
/** A positive number (NumberValue) of exactly `size` bytes, 1..21. */
const numberOfSize = (size: number) => {
  if (size === 1) return new NumberValueImpl('0');
  if (size === 21) return new NumberValueImpl(`${digits(1)}.${digits(37)}`); // 38 digits straddling the point
  return new NumberValueImpl(digits(2 * size - 3)); // an odd count of integer digits: (count + 1) / 2 pairs + 1
};
const sizeOf = (value: Record<string, unknown>) => marshalItem(value).size;

/** Stands for lossless-json's LosslessNumber, which marshalItem recognizes by duck typing. */
class LosslessNumber {
  readonly isLosslessNumber = true;
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Builder = (pk: string, target: number) => Record<string, unknown>;

const strings: Builder = (pk, target) => {
  const value: Record<string, unknown> = { pk };
  for (let i = 0; i < 120; i++) value[`s${i}`] = ascii(Math.floor(random() * 3000));
  value.empty = '';
  value.pad = '';
  value.pad = ascii(target - sizeOf(value));
  return value;
};

const unicode: Builder = (pk, target) => {
  const value: Record<string, unknown> = { pk };
  for (let i = 0; i < 100; i++) value[`ü${i}😀`] = 'é中😀'.repeat(Math.floor(random() * 400)) + ascii(3);
  value.pad = '';
  const missing = target - sizeOf(value); // filled with 4-byte characters, then ASCII for the rest
  value.pad = '😀'.repeat(Math.floor(missing / 4)) + 'x'.repeat(missing % 4);
  return value;
};

const numbers = (avoidDisputedNegatives: boolean): Builder => (pk, target) => {
  const value: Record<string, unknown> = { pk };
  let i = 0;
  let remaining = target - sizeOf(value);
  const add = (number: unknown) => {
    const name = `n${String(i++).padStart(5, '0')}`;
    value[name] = number;
    remaining -= sizeOf({ [name]: number });
  };
  while (remaining > 60) {
    const kind = Math.floor(random() * 6);
    const significant = 1 + Math.floor(random() * (avoidDisputedNegatives ? 37 : 38));
    if (kind === 0) add(Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1)); // a JS integer
    else if (kind === 1) add((random() - 0.5) * 10 ** Math.floor(random() * 200 - 100)); // a JS float: 1e+21, 1.5e-7 ...
    else if (kind === 2) add(-BigInt(digits(Math.min(significant, 37))) * 10n ** BigInt(Math.floor(random() * 40)));
    else if (kind === 3) add(new LosslessNumber(`${digits(significant)}e${Math.floor(random() * 200) - 120}`));
    else add(new NumberValueImpl(`-0.000${digits(significant)}`)); // leading and trailing zeros, negative
  }
  while (remaining > 25) add(numberOfSize(Math.min(21, remaining - 6 - 5 - 6)));
  value.last = numberOfSize(remaining - 4);
  return value;
};

/** Numbers where dynalite (22 bytes) and DynamoDB Local (21) disagree: negative, 38 digits in 20 base-100 digits. */
const disputedNegatives: Builder = (pk, target) => {
  const value: Record<string, unknown> = { pk };
  const list: unknown[] = [];
  value.l = list;
  const count = Math.floor((target - sizeOf(value) - 100) / 23); // 1 byte as a list element + 22
  for (let i = 0; i < count; i++) list.push(new NumberValueImpl(`-${digits(1)}.${digits(37)}`));
  value.pad = '';
  value.pad = ascii(target - sizeOf(value));
  return value;
};

const nested: Builder = (pk, target) => {
  const list: unknown[] = [];
  for (let i = 0; i < 3000; i++) {
    list.push({ n: i, s: ascii(Math.floor(random() * 40)), l: [[], {}, true, null, [i, 'x', new Uint8Array(2)], new Set(['a', 'b'])] });
  }
  // A chain of 30 maps and lists below `doc` (itself the first): 31 levels, DynamoDB's deepest.
  const innermost: unknown[] = [];
  let deep: unknown = innermost;
  for (let level = 1; level < 30; level++) deep = level % 2 ? { d: deep, e: {} } : [deep, []];
  const value: Record<string, unknown> = { pk, doc: { list, deep, map: Object.fromEntries(list.slice(0, 500).map((v, i) => [`k${i}`, v])) } };
  innermost.push('');
  innermost[0] = ascii(target - sizeOf(value));
  return value;
};

const binary: Builder = (pk, target) => {
  const value: Record<string, unknown> = { pk };
  for (let i = 0; i < 100; i++) value[`b${i}`] = random() < 0.5 ? bytes(Math.floor(random() * 3000)) : Buffer.from(bytes(Math.floor(random() * 3000)));
  value.empty = new Uint8Array(0);
  value.set = new Set(Array.from({ length: 50 }, (_, i) => Uint8Array.of(i, ...bytes(Math.floor(random() * 100)))));
  value.pad = new Uint8Array(0);
  value.pad = bytes(target - sizeOf(value));
  return value;
};

const sets: Builder = (pk, target) => {
  const value: Record<string, unknown> = { pk };
  value.ss = new Set(Array.from({ length: 2000 }, (_, i) => `${i}:${ascii(Math.floor(random() * 30))}`));
  value.ns = new Set(Array.from({ length: 2000 }, (_, i) => (random() < 0.5 ? i : new NumberValueImpl(`${i}.${digits(20)}`))));
  value.bs = new Set(Array.from({ length: 2000 }, (_, i) => Uint8Array.of(i >> 8, i & 255, ...bytes(Math.floor(random() * 30)))));
  value.pad = new Set(['']);
  value.pad = new Set([ascii(target - sizeOf(value))]);
  return value;
};

describe.each(servers)('the 400 KB boundary on $name', (server) => {
  let stop: () => Promise<void>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    const started = await server.start();
    stop = started.stop;
    client = new DynamoDBClient({
      endpoint: started.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  afterAll(async () => {
    client?.destroy();
    await stop?.();
  });

  const putItem = (item: Record<string, AttributeValue>) => client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  const batchWrite = (item: Record<string, AttributeValue>) =>
    client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: item } }] } }));
  const TOO_LARGE = /Item size has exceeded the maximum allowed size/;

  /** Builds the item at `target` bytes and checks both of our measures agree on it. */
  const build = (builder: Builder, pk: string, target: number) => {
    const { item, size } = marshalItem(builder(pk, target));
    expect(size).toBe(target);
    expect(itemSize(item)).toBe(target);
    return item;
  };

  const cases: [string, Builder][] = [
    ['strings', strings],
    ['numbers (JS numbers, bigint, NumberValue, LosslessNumber)', numbers(server.dropsNegativeTerminatorAt20Digits)],
    ['nested maps and lists, 31 levels deep', nested],
    ['binary', binary],
    ['string, number and binary sets', sets],
  ];
  if (server.countsUtf8) cases.push(['non-ASCII names and strings', unicode]);
  if (!server.dropsNegativeTerminatorAt20Digits) cases.push(['negative numbers of 20 base-100 digits', disputedNegatives]);

  it.each(cases)('%s: exactly 400 KB is stored, one byte more is refused', async (label, builder) => {
    const fits = build(builder, `${label} fits`, MAX_ITEM_BYTES);
    const over = build(builder, `${label} over`, MAX_ITEM_BYTES + 1);

    await putItem(fits);
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: fits.pk! } }));
    expect(itemSize(Item!)).toBe(MAX_ITEM_BYTES);
    expect((await batchWrite(fits)).UnprocessedItems ?? {}).toEqual({});

    await expect(putItem(over)).rejects.toThrow(TOO_LARGE);
    await expect(batchWrite(over)).rejects.toThrow(TOO_LARGE);
  });

  if (!server.countsUtf8) {
    it('stores what we size one byte over when it holds non-ASCII (dynalite counts UTF-16 code units, not UTF-8 bytes)', async () => {
      await putItem(build(unicode, 'unicode fits', MAX_ITEM_BYTES));
      await putItem(build(unicode, 'unicode over', MAX_ITEM_BYTES + 1));
    });
  }

  if (server.dropsNegativeTerminatorAt20Digits) {
    it('stores what we size one byte over when it holds negative numbers of 20 base-100 digits (we count 22 bytes, it 21)', async () => {
      await putItem(build(disputedNegatives, 'disputed over', MAX_ITEM_BYTES + 1));
    });
  }

  it('accepts the text of every JS number we write and reads it back as the same double', async () => {
    const doubles = [
      1e21, 1.5e-7, 123.456, -0, 2 ** 60, 2 ** 70, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER - 2, 5e-124, 9.999e125,
      -9.99999999999999e125, 1e-130, -1e-130, 0.1 + 0.2, Math.PI, -Number.EPSILON, 1667844200703123,
    ];
    const { item } = marshalItem({ pk: 'doubles', doubles });
    expect(item.doubles!.L!.map((n) => n.N)).toContain('1e+21');
    await putItem(item);
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'doubles' } } }));
    expect(Item!.doubles!.L!.map((n) => Number(n.N))).toEqual(doubles.map((n) => (Object.is(n, -0) ? 0 : n)));
  });
});

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../src/errors.js';
import { itemSize, joinFieldPath } from '../src/dynamo/item-size.js';
import { encodeInput } from '../src/dynamo/json-protocol.js';
import { isExactNumber, marshalFields, marshalItem, marshalValue } from '../src/dynamo/marshal.js';
import { seededRandom } from '../src/testing/seeded-random.js';

/** Stands for lossless-json's LosslessNumber, which marshalItem recognizes by duck typing. */
class LosslessNumber {
  readonly isLosslessNumber = true;
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** The item as marshalFields writes it into request bodies. */
const wire = (value: unknown): string => `{${marshalFields(value).fields}}`;

class Point {
  constructor(readonly x = 1) {}
}

const utilMarshall = (value: unknown) => marshall(value as Record<string, unknown>, { removeUndefinedValues: true });

/** Runs `action` and returns the RecordError it throws (failing the test if it throws anything else or nothing). */
function recordErrorOf(action: () => unknown): RecordError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordError);
    return error as RecordError;
  }
  throw new Error('expected a RecordError, nothing was thrown');
}

describe('marshalItem: what it writes', () => {
  const buffer = Buffer.from([1, 2, 3]);
  const empty = new Uint8Array(0);
  const one = Uint8Array.of(1);
  const two = Uint8Array.of(2, 3);

  it.each<[string, unknown, Record<string, AttributeValue>, number]>([
    [
      'the workload record',
      { timestamp: 1667844200703123, key1: 'value1', key2: 1, key3: 'value3', payload: { a: [1, 2, 3], b: 'text' } },
      {
        timestamp: { N: '1667844200703123' },
        key1: { S: 'value1' },
        key2: { N: '1' },
        key3: { S: 'value3' },
        payload: { M: { a: { L: [{ N: '1' }, { N: '2' }, { N: '3' }] }, b: { S: 'text' } } },
      },
      // 9+9, 4+6, 4+2, 4+6, 7 + 3 + (1+1 + 3 + 3*(1+2)) + (1+1+4)
      18 + 10 + 6 + 10 + 30,
    ],
    ['an empty string', { s: '' }, { s: { S: '' } }, 1],
    ['non-ASCII names and strings', { é: '😀中' }, { é: { S: '😀中' } }, 2 + 7],
    [
      'JS numbers, as String(n)',
      { n: 0, neg: -0, f: 1.5, big: 1e21, small: 1.5e-7 },
      { n: { N: '0' }, neg: { N: '0' }, f: { N: '1.5' }, big: { N: '1e+21' }, small: { N: '1.5e-7' } },
      1 + 1 + (3 + 1) + (1 + 3) + (3 + 2) + (5 + 2),
    ],
    ['an integer beyond 2^53, as its shortest decimal', { v: 2 ** 60 }, { v: { N: '1152921504606847000' } }, 1 + 10],
    [
      'numbers at the limits',
      { max: new NumberValue('9.9999999999999999999999999999999999999E+125'), min: 1e-130, negMin: -1e-130 },
      { max: { N: '9.9999999999999999999999999999999999999E+125' }, min: { N: '1e-130' }, negMin: { N: '-1e-130' } },
      3 + 20 + (3 + 2) + (6 + 3),
    ],
    ['a bigint', { v: 123456789012345678901234567890n }, { v: { N: '123456789012345678901234567890' } }, 1 + 16],
    ['a NumberValue, digits untouched', { v: new NumberValue('007.50') }, { v: { N: '007.50' } }, 1 + 3],
    ['a LosslessNumber', { v: new LosslessNumber('12345678901234567890.5') }, { v: { N: '12345678901234567890.5' } }, 1 + 12],
    ['BOOL and NULL', { b: true, z: null }, { b: { BOOL: true }, z: { NULL: true } }, 2 + 2],
    ['a Buffer and an empty Uint8Array', { bin: buffer, u8: empty }, { bin: { B: buffer }, u8: { B: empty } }, 6 + 2],
    [
      'sets of strings, numbers and binary',
      { ss: new Set(['a', 'bc']), ns: new Set([1, 2n, new NumberValue('3.5')]), bs: new Set([one, two]) },
      { ss: { SS: ['a', 'bc'] }, ns: { NS: ['1', '2', '3.5'] }, bs: { BS: [one, two] } },
      (2 + 3) + (2 + 2 + 2 + 3) + (2 + 3),
    ],
    ['a set without its undefined element', { s: new Set(['a', undefined]) }, { s: { SS: ['a'] } }, 2],
    ['a Date, as its ISO string', { at: new Date(Date.UTC(2022, 10, 7, 18, 3, 20, 703)) }, { at: { S: '2022-11-07T18:03:20.703Z' } }, 2 + 24],
    [
      'undefined left out of maps and lists',
      // eslint-disable-next-line no-sparse-arrays
      { a: undefined, b: [1, undefined, 2], c: { d: undefined }, e: [1, , 3] },
      { b: { L: [{ N: '1' }, { N: '2' }] }, c: { M: {} }, e: { L: [{ N: '1' }, { N: '3' }] } },
      (1 + 3 + 2 * 3) + (1 + 3) + (1 + 3 + 2 * 3),
    ],
    ['empty maps and lists', { m: {}, l: [] }, { m: { M: {} }, l: { L: [] } }, 4 + 4],
    ['a Map, as a map', { m: new Map([['x', 1]]) }, { m: { M: { x: { N: '1' } } } }, 1 + 3 + 1 + 1 + 2],
    ['a null-prototype object, as a map', { m: Object.assign(Object.create(null), { x: 1 }) }, { m: { M: { x: { N: '1' } } } }, 8],
    ['a plain object from another realm', { m: runInNewContext('({ x: 1 })') }, { m: { M: { x: { N: '1' } } } }, 8],
    [
      'boxed primitives, as their primitives',
      // eslint-disable-next-line no-new-wrappers
      { s: new String('x'), n: new Number(2), b: new Boolean(false) },
      { s: { S: 'x' }, n: { N: '2' }, b: { BOOL: false } },
      2 + 3 + 2,
    ],
    ['a key named constructor', { constructor: 'x' }, { constructor: { S: 'x' } }, 12],
  ])('%s', (_label, value, item, size) => {
    expect(wire(value)).toBe(encodeInput(item)); // byte for byte as the SDK sends it, attribute order too
    const marshalled = marshalItem(value);
    expect(encodeInput(marshalled.item)).toBe(encodeInput(item));
    expect(marshalled.size).toBe(size);
    expect(itemSize(marshalled.item)).toBe(size);
  });

  it('marshals a Map at the top as the item', () => {
    expect(marshalItem(new Map([['a', 'b']]))).toEqual({ item: { a: { S: 'b' } }, size: 2 });
  });

  it('writes binary values as base64, which marshalItem hands back as Uint8Array', () => {
    expect(wire({ b: buffer })).toBe(`{"b":{"B":"${buffer.toString('base64')}"}}`);
    const back = marshalItem({ b: buffer }).item.b!.B!;
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back).equals(buffer)).toBe(true);
  });

  it('keeps a __proto__ key from JSON.parse as an attribute (util-dynamodb loses it)', () => {
    const { item, size } = marshalItem(JSON.parse('{"__proto__": {"x": 1}, "a": 2}'));
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.keys(item)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(item)).toBe('{"__proto__":{"M":{"x":{"N":"1"}}},"a":{"N":"2"}}');
    expect(size).toBe(9 + 3 + 1 + 1 + 2 + 1 + 2);
    expect(Object.keys(utilMarshall(JSON.parse('{"__proto__": {"x": 1}, "a": 2}')))).toEqual(['a']);
  });

  it('accepts maps and lists 31 levels below the item, DynamoDB’s deepest', () => {
    let value: unknown = 'x';
    for (let level = 0; level < 31; level++) value = level % 2 ? { d: value } : [value];
    expect(marshalItem({ top: value }).size).toBe(3 + 1 + 31 * 4 + 15 * 1);
  });

  it('is reentrant: a getter may marshal another item', () => {
    const value = {
      a: 1,
      get b() {
        return marshalItem({ inner: 'x' }).size;
      },
      c: 'z',
    };
    expect(marshalItem(value)).toEqual({ item: { a: { N: '1' }, b: { N: '6' }, c: { S: 'z' } }, size: 3 + 3 + 2 });
  });
});

describe('marshalItem: what it refuses', () => {
  const cyclicSelf: Record<string, unknown> = {};
  cyclicSelf.me = cyclicSelf;
  const cyclicNested = { p: { q: {} as Record<string, unknown> } };
  cyclicNested.p.q.back = cyclicNested.p;
  const cyclicList: unknown[] = [];
  cyclicList.push(1, cyclicList);
  let tooDeep: unknown = 'x';
  for (let level = 0; level < 32; level++) tooDeep = { d: tooDeep };

  const tooLarge = 'number 1e+200 is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude';
  const onlyScalarsInSets = 'cannot be a set element: DynamoDB sets hold only strings, numbers or binary values';
  const duplicate = 'twice (elements 0 and 1): DynamoDB refuses sets with duplicates';
  const instanceHint =
    'cannot be stored in DynamoDB: only plain objects, arrays, Map, Set, Uint8Array, Date, bigint, NumberValue and LosslessNumber are marshalled; convert it to a plain object first';

  it.each<[string, unknown, string | undefined, string]>([
    ['NaN', { n: NaN }, 'n', 'number NaN cannot be stored: DynamoDB numbers must be finite'],
    ['Infinity', { n: [Infinity] }, 'n[0]', 'number Infinity cannot be stored: DynamoDB numbers must be finite'],
    ['-Infinity', { n: { m: -Infinity } }, 'n.m', 'number -Infinity cannot be stored: DynamoDB numbers must be finite'],
    ['a number too large', { a: [1, 1e200] }, 'a[1]', tooLarge],
    ['a number too small', { a: 1e-131 }, 'a', 'number 1e-131 is too small: non-zero DynamoDB numbers are at least 1E-130 in magnitude'],
    ['the smallest double', { a: 5e-324 }, 'a', 'number 5e-324 is too small: non-zero DynamoDB numbers are at least 1E-130 in magnitude'],
    [
      'a NumberValue of 39 digits',
      { v: new NumberValue('123456789012345678901234567890123456789') },
      'v',
      'number 123456789012345678901234567890123456789 has more than 38 significant digits, the most DynamoDB stores',
    ],
    ['a NumberValue that is no number', { v: new NumberValue('abc') }, 'v', '"abc" is not a decimal number DynamoDB accepts'],
    ['a NumberValue with a plus sign', { v: new NumberValue('+1') }, 'v', '"+1" is not a decimal number DynamoDB accepts'],
    [
      'a LosslessNumber too large',
      { v: new LosslessNumber('1e999') },
      'v',
      'number 1e999 is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude',
    ],
    [
      'a bigint too large',
      { v: 10n ** 126n },
      'v',
      `number 1${'0'.repeat(126)} is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude`,
    ],
    ['an empty set', { s: new Set() }, 's', 'empty sets cannot be stored in DynamoDB'],
    ['a set of undefined only', { s: new Set([undefined]) }, 's', 'empty sets cannot be stored in DynamoDB'],
    ['a set of strings and numbers', { s: new Set(['a', 1]) }, 's[1]', 'a DynamoDB set holds one type, but this set mixes strings and numbers'],
    ['a set of binary and strings', { s: new Set([Uint8Array.of(1), 'a']) }, 's[1]', 'a DynamoDB set holds one type, but this set mixes binary values and strings'],
    ['a set holding 1 and 1n', { s: new Set([1, 1n]) }, 's[1]', `this set holds the number 1 ${duplicate}`],
    ['a set holding 1.50 and 1.5', { s: new Set([new NumberValue('1.50'), 1.5]) }, 's[1]', `this set holds the number 1.5 ${duplicate}`],
    ['a set holding equal bytes', { s: new Set([Uint8Array.of(1), Buffer.from([1])]) }, 's[1]', `this set holds the binary value ${duplicate}`],
    ['a set of objects', { s: new Set([{}]) }, 's[0]', `an object ${onlyScalarsInSets}`],
    ['a set of Dates', { s: new Set(['a', new Date(0)]) }, 's[1]', `an instance of Date ${onlyScalarsInSets}`],
    ['a set of booleans', { s: new Set([true]) }, 's[0]', `true ${onlyScalarsInSets}`],
    ['a function', { f: () => 1 }, 'f', 'function f cannot be stored in DynamoDB'],
    ['an anonymous function in a list', { l: [(() => () => 1)()] }, 'l[0]', 'an anonymous function cannot be stored in DynamoDB'],
    ['a symbol', { s: Symbol('x') }, 's', 'Symbol(x) cannot be stored in DynamoDB'],
    ['a class instance', { c: new Point() }, 'c', `an instance of Point ${instanceHint}`],
    ['a RegExp', { c: /x/ }, 'c', `an instance of RegExp ${instanceHint}`],
    ['an Int16Array', { c: new Int16Array(2) }, 'c', 'an instance of Int16Array cannot be stored in DynamoDB: binary values must be a Uint8Array or a Buffer'],
    ['an ArrayBuffer', { c: new ArrayBuffer(2) }, 'c', 'an instance of ArrayBuffer cannot be stored in DynamoDB: binary values must be a Uint8Array or a Buffer'],
    ['a DataView', { c: new DataView(new ArrayBuffer(2)) }, 'c', 'an instance of DataView cannot be stored in DynamoDB: binary values must be a Uint8Array or a Buffer'],
    ['an invalid Date', { d: new Date(NaN) }, 'd', 'an invalid Date cannot be stored in DynamoDB'],
    ['an empty attribute name', { '': 1 }, '[""]', 'attribute names cannot be empty in DynamoDB'],
    ['an empty map key', { m: { a: 1, '': 1 } }, 'm[""]', 'attribute names cannot be empty in DynamoDB'],
    ['an unpaired surrogate', { s: 'a\ud800' }, 's', 'string "a\\ud800" has an unpaired UTF-16 surrogate at index 1 and cannot be stored as UTF-8'],
    [
      'an unpaired surrogate in a name',
      { m: { 'k😀\udc00': 1 } },
      'm["k😀\\udc00"]',
      'attribute name "k😀\\udc00" has an unpaired UTF-16 surrogate at index 3 and cannot be stored as UTF-8',
    ],
    ['an unpaired surrogate in a set', { s: new Set(['ok', '\ud800']) }, 's[1]', 'string "\\ud800" has an unpaired UTF-16 surrogate at index 0 and cannot be stored as UTF-8'],
    ['a Map key that is not a string', { m: new Map([[1, 'x']]) }, 'm', 'Map key 1 is not a string: DynamoDB attribute names are strings'],
    ['a reference to the record itself', cyclicSelf, 'me', 'cyclic reference: this value is the record itself, which contains it'],
    ['a reference to an enclosing map', cyclicNested, 'p.q.back', 'cyclic reference: this value is p, which contains it'],
    ['a list that holds itself', { l: cyclicList }, 'l[1]', 'cyclic reference: this value is l, which contains it'],
    ['maps 32 levels below the item', { top: tooDeep }, `top${'.d'.repeat(31)}`, "maps and lists nested deeper than DynamoDB's limit of 32 levels (counting the item itself)"],
    ['a number at the top', 5, undefined, 'a record value must be a plain object (or a Map) to become a DynamoDB item, got 5'],
    ['an array at the top', [1], undefined, 'a record value must be a plain object (or a Map) to become a DynamoDB item, got an array'],
    ['null at the top', null, undefined, 'a record value must be a plain object (or a Map) to become a DynamoDB item, got null'],
    ['undefined at the top', undefined, undefined, 'a record value must be a plain object (or a Map) to become a DynamoDB item, got undefined'],
    ['an instance at the top', new Point(), undefined, 'a record value must be a plain object (or a Map) to become a DynamoDB item, got an instance of Point'],
  ])('%s', (_label, value, field, reason) => {
    const error = recordErrorOf(() => marshalItem(value));
    expect(error.field).toBe(field);
    expect(error.message).toBe(field === undefined ? reason : `${field}: ${reason}`);
  });

  it('turns a throwing getter into a RecordError naming the field, with the cause', () => {
    const cause = new Error('kaboom');
    const error = recordErrorOf(() =>
      marshalItem({
        payload: {
          get boom() {
            throw cause;
          },
        },
      }),
    );
    expect(error.field).toBe('payload.boom');
    expect(error.message).toBe('payload.boom: reading the value failed: kaboom');
    expect(error.cause).toBe(cause);
  });

  it('is usable again after a failure', () => {
    recordErrorOf(() => marshalItem({ a: { b: [NaN] } }));
    expect(marshalItem({ a: 1 })).toEqual({ item: { a: { N: '1' } }, size: 3 });
  });

  it('refuses, on purpose, values util-dynamodb accepts', () => {
    // util-dynamodb's outputs below are what DynamoDB would refuse or what silently loses data.
    const cases: [unknown, unknown][] = [
      [{ f: () => 1 }, {}], // the function silently dropped
      [{ s: new Set(['a', 1]) }, { s: { SS: ['a', '1'] } }], // the number turned into a string
      [{ s: new Set([1, 1n]) }, { s: { NS: ['1', '1'] } }], // "Input collection contains duplicates"
      [{ m: new Map([[1, 'x']]) }, { m: { M: { 1: { S: 'x' } } } }], // the key coerced
      [{ s: 'a\ud800' }, { s: { S: 'a\ud800' } }], // not UTF-8
      [{ '': 1 }, { '': { N: '1' } }], // "Empty attribute name"
      [{ c: new Int16Array(1) }, { c: { B: new Int16Array(1) } }], // not serialized as its bytes
    ];
    for (const [value, theirs] of cases) {
      expect(utilMarshall(value)).toStrictEqual(theirs);
      recordErrorOf(() => marshalItem(value));
    }
    let deep: unknown = 1;
    for (let level = 0; level < 40; level++) deep = [deep];
    expect(() => utilMarshall({ deep })).not.toThrow(); // "Nesting Levels have exceeded supported limits"
    recordErrorOf(() => marshalItem({ deep }));
  });

  it('accepts, on purpose, values util-dynamodb refuses', () => {
    const cases: unknown[] = [
      { at: new Date(0) },
      { v: new LosslessNumber('1.5') },
      { v: 2 ** 60 },
      { v: -1e21 },
      { constructor: 'x' },
    ];
    for (const value of cases) {
      expect(() => utilMarshall(value)).toThrow();
      expect(() => marshalItem(value)).not.toThrow();
    }
  });
});

describe('marshalValue', () => {
  it.each<[unknown, AttributeValue]>([
    ['abc', { S: 'abc' }],
    ['', { S: '' }],
    [42, { N: '42' }],
    [42n, { N: '42' }],
    [new NumberValue('1.50'), { N: '1.50' }],
    [new LosslessNumber('-7'), { N: '-7' }],
    [Uint8Array.of(1), { B: Uint8Array.of(1) }],
    [true, { BOOL: true }],
    [null, { NULL: true }],
    [[1, 'a'], { L: [{ N: '1' }, { S: 'a' }] }],
    [{ a: 1 }, { M: { a: { N: '1' } } }],
    [new Date(0), { S: '1970-01-01T00:00:00.000Z' }],
  ])('%o', (value, attribute) => {
    expect(marshalValue(value, 'pk')).toStrictEqual(attribute);
  });

  it.each<[unknown, string, string]>([
    [undefined, 'pk', 'pk: undefined cannot be stored in DynamoDB'],
    [NaN, 'sk', 'sk: number NaN cannot be stored: DynamoDB numbers must be finite'],
    [{ a: [Symbol()] }, 'pk.a[0]', 'pk.a[0]: Symbol() cannot be stored in DynamoDB'],
    [new Set(), 'pk', 'pk: empty sets cannot be stored in DynamoDB'],
  ])('refuses %o', (value, field, message) => {
    const error = recordErrorOf(() => marshalValue(value, field.split('.')[0]!));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('counts depth as for a top-level attribute', () => {
    let value: unknown = 'x';
    for (let level = 0; level < 31; level++) value = [value];
    expect(() => marshalValue(value, 'pk')).not.toThrow();
    expect(recordErrorOf(() => marshalValue([value], 'pk')).field).toBe(`pk${'[0]'.repeat(31)}`);
  });
});

describe('isExactNumber', () => {
  it.each<[string, unknown, boolean]>([
    ['NumberValue', new NumberValue('1'), true],
    ['LosslessNumber', new LosslessNumber('1'), true],
    ['a NumberValue from another copy of util-dynamodb', new (class NumberValue { value = '1'; })(), true],
    ['a LosslessNumber-like object without a string value', { isLosslessNumber: true, value: 1 }, false],
    ['an object with isLosslessNumber not true', { isLosslessNumber: 'yes', value: '1' }, false],
    ['a number', 1, false],
    ['a bigint', 1n, false],
    ['a numeric string', '1', false],
    ['null', null, false],
    ['a plain object with a string value', { value: '1' }, false],
  ])('%s: %s', (_label, value, expected) => {
    expect(isExactNumber(value)).toBe(expected);
  });
});

/** Values both util-dynamodb and we accept: the outputs must be identical, byte for byte. */
describe('marshalItem against util-dynamodb marshall', () => {
  const random = seededRandom(1667844200);
  const chance = (p: number) => random() < p;
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)]!;

  const characters = ['a', 'z', 'A', '0', ' ', '.', '-', '"', '\\', '\n', '\u0000', 'é', 'ß', '中', '€', '😀', '𝄞', '\u{10FFFF}', '\uFFFF'];
  const text = (max = 12) => Array.from({ length: int(max + 1) }, () => pick(characters)).join('');
  const name = () => {
    const candidate = text(8);
    return candidate === '' || candidate === '__proto__' || candidate === 'constructor' ? `k${candidate}` : candidate;
  };
  const digitString = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? 1 + int(9) : int(10))).join('');
  const jsNumber = (): number => {
    switch (int(6)) {
      case 0: return int(1000) - 500;
      case 1: return (chance(0.5) ? -1 : 1) * int(Number.MAX_SAFE_INTEGER);
      case 2: return (random() - 0.5) * 10 ** (int(30) - 15);
      case 3: return (chance(0.5) ? -1 : 1) * random() * 10 ** -(int(120)); // down to ~1e-120
      case 4: return pick([0, -0, 0.1, 0.5, 1e-7, 1.5e-7, 123.456, 9007199254740991, -9007199254740991, 1e15, 1e-100]);
      default: return random() * 1e6;
    }
  };
  const decimalText = () => {
    const digits = digitString(1 + int(38));
    const point = int(digits.length + 1);
    const mantissa = `${chance(0.3) ? '-' : ''}${digits.slice(0, point) || '0'}${point < digits.length ? `.${digits.slice(point)}` : ''}`;
    return chance(0.3) ? `${mantissa}${pick(['e', 'E'])}${pick(['', '+', '-'])}${int(60)}` : mantissa;
  };
  const bytes = () => {
    const array = Uint8Array.from({ length: int(16) }, () => int(256));
    return chance(0.5) ? Buffer.from(array) : array;
  };
  const distinct = <T>(count: number, make: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => make(i));
  const set = (): Set<unknown> => {
    const count = 1 + int(5);
    const members: unknown[] = (() => {
      switch (int(3)) {
        case 0: return [...new Set(distinct(count, () => text()))];
        case 1: {
          const base = int(1000) * 100; // distinct values, written four ways
          return distinct(count, (i) => pick<unknown>([base + i, BigInt(base + i), new NumberValue(String(base + i)), new NumberValue(`${base + i}.${digitString(3)}`)]));
        }
        default: return distinct(count, (i) => Uint8Array.of(i, ...bytes()));
      }
    })();
    if (chance(0.2)) members.splice(int(members.length + 1), 0, undefined);
    return new Set(members);
  };
  const value = (depth: number): unknown => {
    switch (int(depth > 5 ? 9 : 14)) {
      case 0: case 1: return text(chance(0.1) ? 300 : 12);
      case 2: case 3: return jsNumber();
      case 4: return chance(0.5) ? BigInt(decimalText().replace(/^(-?)(\d+).*$/, '$1$2')) : new NumberValue(decimalText());
      case 5: return chance(0.5);
      case 6: return null;
      case 7: return bytes();
      case 8: return chance(0.8) ? set() : pick([new String(text()), new Number(jsNumber()), new Boolean(chance(0.5))]);
      case 9: case 10: {
        const list = Array.from({ length: int(6) }, () => (chance(0.1) ? undefined : value(depth + 1)));
        if (chance(0.1)) list[list.length + 1] = value(depth + 1); // a hole
        return list;
      }
      case 11: return chance(0.8) ? map(depth) : new Map(Object.entries(map(depth)));
      default: {
        const object = map(depth);
        return chance(0.1) ? Object.assign(Object.create(null), object) : object;
      }
    }
  };
  const map = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let n = int(6); n > 0; n--) out[name()] = chance(0.1) ? undefined : value(depth + 1);
    return out;
  };

  it('writes exactly what util-dynamodb writes, over 5000 generated records', () => {
    for (let round = 0; round < 5000; round++) {
      const record = chance(0.05) ? new Map(Object.entries(map(0))) : map(0);
      const theirs = utilMarshall(record);
      expect(wire(record)).toBe(encodeInput(theirs));
      const ours = marshalItem(record);
      expect(encodeInput(ours.item)).toBe(encodeInput(theirs));
      expect(ours.size).toBe(itemSize(ours.item));
    }
  });

  it('throws only RecordErrors, naming the field, when one bad value is planted anywhere', () => {
    const cyclic = Symbol('a reference to the record');
    const badValues: unknown[] = [
      NaN, Infinity, 1e300, 1e-300, Symbol('s'), () => 1, new Point(), new Set(), new Set(['a', 1]), new Set([1, 1n]),
      'a\udc00', new Date(NaN), new Map([[1, 2]]), new NumberValue('x'), new LosslessNumber('1e200'), 10n ** 200n,
      new Float64Array(1), cyclic,
    ];
    for (let round = 0; round < 3000; round++) {
      const record = map(0);
      // Walk down through plain objects and arrays to a random spot, remembering its path.
      let container: Record<string, unknown> | unknown[] = record;
      let path: string | undefined;
      for (;;) {
        const keys: (string | number)[] = Array.isArray(container) ? [...container.keys()] : Object.keys(container);
        const key: string | number = keys.length === 0 || chance(0.4) ? (Array.isArray(container) ? container.length : `bad${round}`) : pick(keys);
        const next: unknown = (container as Record<string | number, unknown>)[key];
        path = joinFieldPath(path, key);
        const plain = typeof next === 'object' && next !== null && (Array.isArray(next) || Object.getPrototypeOf(next) === Object.prototype);
        if (!plain || chance(0.3)) {
          const bad = pick(badValues);
          (container as Record<string | number, unknown>)[key] = bad === cyclic ? record : bad;
          break;
        }
        container = next as Record<string, unknown> | unknown[];
      }
      const error = recordErrorOf(() => marshalItem(record));
      expect(error.field?.startsWith(path!)).toBe(true);
      expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    }
  });
});

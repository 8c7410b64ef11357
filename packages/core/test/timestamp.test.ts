import { describe, expect, it } from 'vitest';
import { toInstant, type Instant, type TimestampUnit } from '../src/dynamo/timestamp.js';

const instant = (epochMs: number, nanos = 0): Instant => ({ epochMs, nanos });
const SEED = instant(1667844200703, 123_000); // 2022-11-07T18:03:20.703123Z

describe('toInstant: numbers', () => {
  const table: [number, TimestampUnit | undefined, Instant][] = [
    // Unit by magnitude: < 1e11 s, < 1e14 ms, < 1e17 µs, else ns.
    [1667844200, undefined, instant(1667844200000)],
    [1667844200.703123, undefined, SEED],
    [1667844200703, undefined, instant(1667844200703)],
    [1667844200703.123, undefined, SEED],
    [1667844200703123, undefined, SEED],
    [1667844200703123000, undefined, SEED],
    [99999999999, undefined, instant(99999999999000)],
    [100000000000, undefined, instant(100000000000)],
    [99999999999999, undefined, instant(99999999999999)],
    [100000000000000, undefined, instant(100000000000)],
    [99999999999999999, undefined, instant(100000000000)], // this literal is the double 1e17, so nanoseconds
    [100000000000000000, undefined, instant(100000000000)],
    [0, undefined, instant(0)],
    [-0, undefined, instant(0)],
    [0.1, undefined, instant(100)],
    [1.5e-7, undefined, instant(0, 150)],
    [1e21, undefined, instant(1e15)],
    // Exact to the decimal the number prints as, beyond microseconds too.
    [1667844200.1234567, undefined, instant(1667844200123, 456_700)],
    [1667844200703.1235, undefined, instant(1667844200703, 123_500)],
    // Before 1970: floor.
    [-1.5, undefined, instant(-1500)],
    [-0.000001, undefined, instant(-1, 999_000)],
    [-1667844200.703123, undefined, instant(-1667844200704, 877_000)],
    [-1, 'us', instant(-1, 999_000)],
    [-1000, 'us', instant(-1)],
    [-1000000, 'ns', instant(-1)],
    [-1, 'ns', instant(-1, 999_999)],
    [-1001, 'us', instant(-2, 999_000)],
    [-1.5, 'ns', instant(-1, 999_998)],
    // An explicit unit wins over the magnitude.
    [1667844200703, 's', instant(1667844200703000)],
    [1667844200, 'ms', instant(1667844200)],
    [1667844200, 'us', instant(1667844, 200_000)],
    [1667844200, 'ns', instant(1667, 844_200)],
    [1667844200703123, 'ns', instant(1667844200, 703_123)],
    [1667844200.703123, 'ms', instant(1667844200, 703_123)],
  ];

  it.each(table)('%s (unit %s) → %o', (value, unit, expected) => {
    expect(toInstant(value, unit)).toEqual(expected);
  });

  it('is exact for every float, like reading its shortest decimal with bigint arithmetic', () => {
    let state = 1667844200;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const units: TimestampUnit[] = ['s', 'ms', 'us', 'ns'];
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const unit = units[i % 4]!;
      const magnitude = 10 ** (next() * [13, 16, 19, 22][i % 4]! - 3);
      const digits = Math.floor(next() * 10);
      let value = Number((next() * magnitude).toPrecision(digits === 0 ? 17 : digits + 6));
      if (next() < 0.3) value = -value;
      let expected: Instant | string;
      try {
        expected = referenceInstant(String(value), unit);
      } catch {
        expected = 'out of range';
      }
      let actual: Instant | string;
      try {
        actual = toInstant(value, unit);
      } catch {
        actual = 'out of range';
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${value} ${unit}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

/** The slow, obviously right way: the decimal as a bigint count of 1e-30 units, floored to nanoseconds. */
function referenceInstant(decimal: string, unit: TimestampUnit): Instant {
  const [, sign, whole, fraction = '', exponent = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(decimal)!;
  const scale = { s: 9, ms: 6, us: 3, ns: 0 }[unit];
  const power = Number(exponent) - fraction.length + scale + 30; // in 1e-30 ns
  let units = BigInt(`${whole}${fraction}`) * 10n ** BigInt(Math.max(power, 0));
  if (power < 0) units /= 10n ** BigInt(-power);
  if (sign === '-') units = -units;
  const unitsPerNano = 10n ** 30n;
  let nanos = units / unitsPerNano;
  if (units < 0n && nanos * unitsPerNano !== units) nanos -= 1n;
  let nanosOfMs = nanos % 1_000_000n;
  if (nanosOfMs < 0n) nanosOfMs += 1_000_000n;
  const epochMs = (nanos - nanosOfMs) / 1_000_000n;
  if (epochMs > 8_640_000_000_000_000n || epochMs < -8_640_000_000_000_000n) throw new RangeError('out of range');
  return { epochMs: Number(epochMs), nanos: Number(nanosOfMs) };
}

describe('toInstant: bigints', () => {
  const table: [bigint, TimestampUnit | undefined, Instant][] = [
    [1667844200703123456n, undefined, instant(1667844200703, 123_456)],
    [1667844200703123000n, 'ns', SEED],
    [1667844200703123n, 'us', SEED],
    [1667844200703n, 'ms', instant(1667844200703)],
    [1667844200n, 's', instant(1667844200000)],
    [1667844200n, undefined, instant(1667, 844_200)], // nanoseconds unless told otherwise, whatever the magnitude
    [-1n, undefined, instant(-1, 999_999)],
    [-1n, 'us', instant(-1, 999_000)],
    [0n, undefined, instant(0)],
  ];

  it.each(table)('%s (unit %s) → %o', (value, unit, expected) => {
    expect(toInstant(value, unit)).toEqual(expected);
  });
});

describe('toInstant: strings', () => {
  const table: [string, TimestampUnit | undefined, Instant][] = [
    // ISO-8601 / RFC 3339.
    ['2022-11-07T18:03:20.703123Z', undefined, SEED],
    ['2022-11-07T19:03:20.703123+01:00', undefined, SEED],
    ['2022-11-07T13:03:20.703123-0500', undefined, SEED],
    ['2022-11-07t18:03:20,703123z', undefined, SEED],
    ['2022-11-07 18:03:20.703123Z', undefined, SEED],
    ['2022-11-07T18:03:20.703123', undefined, SEED], // no offset: UTC
    ['2022-11-07T18:03:20.123456789Z', undefined, instant(1667844200123, 456_789)],
    ['2022-11-07T18:03:20.1234567891Z', undefined, instant(1667844200123, 456_789)], // below ns: dropped
    ['2022-11-07T18:03:20.7Z', undefined, instant(1667844200700)],
    ['2022-11-07T18:03Z', undefined, instant(1667844180000)],
    ['2022-11-07', undefined, instant(1667779200000)],
    ['2024-02-29', undefined, instant(1709164800000)],
    ['2024-03-10T02:30:00Z', undefined, instant(1710037800000)],
    ['1969-12-31T23:59:59.999999999Z', undefined, instant(-1, 999_999)],
    ['0001-01-01T00:00:00Z', undefined, instant(-62135596800000)],
    ['0099-03-01', undefined, instant(-59037897600000)],
    ['9999-12-31T23:59:59.999999999Z', undefined, instant(253402300799999, 999_999)],
    ['2022-11-07T18:03:20Z', 'ns', instant(1667844200000)], // the unit only applies to digit strings
    // Digit strings read like numbers.
    ['1667844200703123', undefined, SEED],
    ['1667844200.703123', undefined, SEED],
    ['1667844200703.123', undefined, SEED],
    ['1667844200703123456', undefined, instant(1667844200703, 123_456)],
    ['99999999999.9999999', undefined, instant(99999999999999, 999_900)], // 11 integer digits: seconds
    ['00001667844200', undefined, instant(1667844200000)],
    ['+1667844200', undefined, instant(1667844200000)],
    ['-1.5', undefined, instant(-1500)],
    ['-0.0000000001', undefined, instant(-1, 999_999)],
    ['1667844200', 'ms', instant(1667844200)],
    ['1667844200703123456789', 'ns', instant(1667844200703123, 456_789)],
  ];

  it.each(table)('%j (unit %s) → %o', (value, unit, expected) => {
    expect(toInstant(value, unit)).toEqual(expected);
  });
});

describe('toInstant: Dates', () => {
  it.each([
    [new Date(1667844200703), instant(1667844200703)],
    [new Date(-1), instant(-1)],
    [new Date('2022-11-07T19:03:20.703+01:00'), instant(1667844200703)],
  ])('%o → %o', (value, expected) => {
    expect(toInstant(value)).toEqual(expected);
  });
});

describe('toInstant: errors say what was received and what is accepted', () => {
  const accepted =
    'epoch seconds, milliseconds, microseconds or nanoseconds as a finite number, a bigint or a digit string, ' +
    'an ISO-8601 date or date-time string such as "2022-11-07T18:03:20.703123Z", or a valid Date';
  const iso =
    'expected an ISO-8601 / RFC 3339 date or date-time (e.g. "2022-11-07", "2022-11-07T18:03:20.703123Z", "2022-11-07T19:03:20+01:00") ' +
    'or a string of digits (epoch seconds, milliseconds, microseconds or nanoseconds, optionally with a fraction)';
  const outOfRange = 'outside the range a Date can hold (±8.64e15 ms around 1970, i.e. years -271821 to 275760); check the timestamp unit';
  const table: [unknown, TimestampUnit | undefined, Error][] = [
    [Number.NaN, undefined, new RangeError('Received the number NaN; expected a finite number of epoch seconds, milliseconds, microseconds or nanoseconds')],
    [Infinity, undefined, new RangeError('Received the number Infinity; expected a finite number of epoch seconds, milliseconds, microseconds or nanoseconds')],
    [-Infinity, 's', new RangeError('Received the number -Infinity; expected a finite number of epoch seconds, milliseconds, microseconds or nanoseconds')],
    ['abc', undefined, new RangeError(`Received the string "abc"; ${iso}`)],
    ['', undefined, new RangeError(`Received the string ""; ${iso}`)],
    [' 1667844200', undefined, new RangeError(`Received the string " 1667844200"; ${iso}`)],
    ['1e9', undefined, new RangeError(`Received the string "1e9"; ${iso}`)],
    ['2022-11-07T18:03:20+01', undefined, new RangeError(`Received the string "2022-11-07T18:03:20+01"; ${iso}`)],
    ['07/11/2022', undefined, new RangeError(`Received the string "07/11/2022"; ${iso}`)],
    ['x'.repeat(100), undefined, new RangeError(`Received the string "${'x'.repeat(64)}..."; ${iso}`)],
    ['2022-02-29', undefined, new RangeError('Received the string "2022-02-29", which is not a valid date-time: day 29 does not exist in 2022-02')],
    ['2022-13-01', undefined, new RangeError('Received the string "2022-13-01", which is not a valid date-time: month 13 is not 01..12')],
    ['2022-11-07T24:00:00Z', undefined, new RangeError('Received the string "2022-11-07T24:00:00Z", which is not a valid date-time: hour 24 is not 00..23')],
    ['2022-11-07T18:60Z', undefined, new RangeError('Received the string "2022-11-07T18:60Z", which is not a valid date-time: minute 60 is not 00..59')],
    [
      '2016-12-31T23:59:60Z',
      undefined,
      new RangeError('Received the string "2016-12-31T23:59:60Z", which is not a valid date-time: second 60 is not 00..59 (leap seconds are not supported)'),
    ],
    [
      '2022-11-07T18:03:20+24:00',
      undefined,
      new RangeError('Received the string "2022-11-07T18:03:20+24:00", which is not a valid date-time: offset +24:00 is not a valid UTC offset'),
    ],
    [null, undefined, new TypeError(`Received null; expected ${accepted}`)],
    [undefined, undefined, new TypeError(`Received undefined; expected ${accepted}`)],
    [true, undefined, new TypeError(`Received the boolean true; expected ${accepted}`)],
    [{ seconds: 1 }, undefined, new TypeError(`Received an object (Object); expected ${accepted}`)],
    [[1667844200], undefined, new TypeError(`Received an array; expected ${accepted}`)],
    [new Date(Number.NaN), undefined, new RangeError(`Received an invalid Date; expected ${accepted}`)],
    [1e300, undefined, new RangeError(`Received the number 1e+300, which is ${outOfRange}`)],
    [8.64e15 + 1, 'ms', new RangeError(`Received the number 8640000000000001, which is ${outOfRange}`)],
    [8.64e12 + 1, 's', new RangeError(`Received the number 8640000000001, which is ${outOfRange}`)],
    [10n ** 30n, undefined, new RangeError(`Received the bigint ${10n ** 30n}n, which is ${outOfRange}`)],
    ['99999999999999999999999999', undefined, new RangeError(`Received the string "99999999999999999999999999", which is ${outOfRange}`)],
    [1, 'sec' as TimestampUnit, new TypeError('Unknown timestamp unit "sec"; expected one of "s", "ms", "us", "ns"')],
    [1, 'toString' as TimestampUnit, new TypeError('Unknown timestamp unit "toString"; expected one of "s", "ms", "us", "ns"')],
  ];

  it.each(table)('%o (unit %s) → %o', (value, unit, error) => {
    expect(() => toInstant(value, unit)).toThrow(error);
    try {
      toInstant(value, unit);
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(error.constructor);
    }
  });
});

/** The unit of a numeric timestamp: epoch seconds, milliseconds, microseconds or nanoseconds. */
export type TimestampUnit = 's' | 'ms' | 'us' | 'ns';

/** An exact instant: whole epoch milliseconds plus nanoseconds within that millisecond (0..999_999). */
export interface Instant {
  readonly epochMs: number;
  readonly nanos: number;
}

/**
 * Reads a timestamp into an exact {@link Instant}.
 *
 * - number: epoch time in `unit`, or, without `unit`, in the unit its magnitude suggests: |v| < 1e11 seconds,
 *   < 1e14 milliseconds, < 1e17 microseconds, otherwise nanoseconds (right for every instant from 1973-03-03 to 5138).
 *   Fractions are kept exactly as the number prints (`1667844200.703123` s is 703 ms + 123 000 ns).
 * - bigint: nanoseconds, or `unit` when given.
 * - string: ISO-8601 / RFC 3339 (`2022-11-07T18:03:20.703123Z`, `...+01:00`; date-only is UTC midnight;
 *   a date-time without offset is read as UTC), or a string of digits with an optional sign and fraction, read like a number.
 * - Date: as is.
 *
 * Sub-nanosecond digits are dropped towards the past (floor), so pre-1970 instants stay consistent.
 * Throws a TypeError (wrong type, unknown unit) or RangeError (unreadable or out-of-range value)
 * whose message says what was received and what is accepted.
 */
export function toInstant(value: unknown, unit?: TimestampUnit): Instant {
  if (unit !== undefined && !Object.hasOwn(NANOS_EXPONENT, unit)) {
    const received = typeof unit === 'string' ? JSON.stringify(unit) : describe(unit);
    throw new TypeError(`Unknown timestamp unit ${received}; expected one of "s", "ms", "us", "ns"`);
  }
  switch (typeof value) {
    case 'number':
      return fromNumber(value, unit);
    case 'bigint':
      return fromNanos(value * SCALE_TO_NANOS[unit ?? 'ns'], value);
    case 'string':
      return fromString(value, unit);
    default:
      if (value instanceof Date) return fromDate(value);
      throw new TypeError(`Received ${describe(value)}; expected ${ACCEPTED}`);
  }
}

const ACCEPTED =
  'epoch seconds, milliseconds, microseconds or nanoseconds as a finite number, a bigint or a digit string, ' +
  'an ISO-8601 date or date-time string such as "2022-11-07T18:03:20.703123Z", or a valid Date';

/** The largest |epochMs| a Date can hold; instants beyond cannot be formatted or compared with Dates. */
const MAX_EPOCH_MS = 8.64e15;

/** One unit is 10^this nanoseconds. */
const NANOS_EXPONENT: Readonly<Record<TimestampUnit, number>> = { s: 9, ms: 6, us: 3, ns: 0 };
const SCALE_TO_NANOS: Readonly<Record<TimestampUnit, bigint>> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };

/**
 * The unit a number of this magnitude most likely has. Each threshold is 1e11 s (the year 5138) expressed in the next
 * unit, so every instant from 1973-03-03 to 5138 reads right whatever its unit:
 * |v| < 1e11 → seconds, < 1e14 → milliseconds, < 1e17 → microseconds, otherwise nanoseconds.
 * Values of ms/µs/ns before 1973-03-03 (and negative ones) are ambiguous: pass the unit explicitly for those.
 */
function unitForMagnitude(magnitude: number): TimestampUnit {
  if (magnitude < 1e11) return 's';
  if (magnitude < 1e14) return 'ms';
  if (magnitude < 1e17) return 'us';
  return 'ns';
}

function fromNumber(value: number, unit: TimestampUnit | undefined): Instant {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Received ${describe(value)}; expected a finite number of ${UNITS_TEXT}`);
  }
  if (value === 0) value = 0; // not -0
  const actualUnit = unit ?? unitForMagnitude(Math.abs(value));
  // Fast path for the usual case (integers), exact because every step stays within safe integers.
  if (Number.isSafeInteger(value)) {
    switch (actualUnit) {
      case 'ms':
        return checkedInstant(value, 0, value);
      case 's':
        if (Math.abs(value) <= MAX_EPOCH_MS / 1000) return { epochMs: value * 1000, nanos: 0 };
        return outOfRange(value);
      case 'us': {
        const micros = floorMod(value, 1000);
        return checkedInstant((value - micros) / 1000, micros * 1000, value);
      }
      case 'ns': {
        const nanos = floorMod(value, 1_000_000);
        return checkedInstant((value - nanos) / 1_000_000, nanos, value);
      }
    }
  }
  // Fractions of s or ms with at most microsecond digits (time.time() floats, ms with µs fraction): see microsIfExact.
  if (actualUnit === 's' || actualUnit === 'ms') {
    const micros = microsIfExact(value, actualUnit === 's' ? 1e6 : 1e3);
    if (micros !== undefined) {
      const microsOfMs = floorMod(micros, 1000);
      return checkedInstant((micros - microsOfMs) / 1000, microsOfMs * 1000, value);
    }
  }
  // Otherwise the shortest decimal that prints the number is what the user meant: read it exactly.
  return fromDecimal(String(value), actualUnit, value);
}

/**
 * `value × microsPerUnit` when the number prints as a decimal with whole microseconds, else undefined; as exact as
 * reading String(value), without its cost. Below the limit, a double's spacing is under a microsecond, so at most one
 * whole-microsecond decimal rounds to it; if one does, the shortest decimal printing the number is that one.
 */
function microsIfExact(value: number, microsPerUnit: 1e6 | 1e3): number | undefined {
  if (!(Math.abs(value) < (microsPerUnit === 1e6 ? 2 ** 33 : 2 ** 43))) return undefined;
  const micros = Math.round(value * microsPerUnit);
  return micros / microsPerUnit === value ? micros : undefined;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const UNITS_TEXT = 'epoch seconds, milliseconds, microseconds or nanoseconds';
/** Nanoseconds within a Date's range have at most 22 digits (8.64e21). */
const MAX_NANOS_DIGITS = 22;

/**
 * Reads a decimal (as `String(number)` prints it, or a digit string) exactly, flooring below nanoseconds.
 * Works on the digits as text (moving the decimal point), which is exact and several times faster than bigint arithmetic.
 */
function fromDecimal(text: string, unit: TimestampUnit, original: unknown): Instant {
  const match = DECIMAL.exec(text);
  if (match === null) throw new RangeError(`Received ${describe(original)}; expected ${ACCEPTED}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  // Where the decimal point falls in `digits` once the value is in nanoseconds.
  const point = whole.length + Number(exponent) + NANOS_EXPONENT[unit];
  if (point > digits.length + MAX_NANOS_DIGITS) return outOfRange(original); // also keeps '0'.repeat below small
  const shifted = point <= 0 ? '' : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point);
  const integerNanos = shifted.replace(/^0+/, '');
  const belowNanos = digits.slice(Math.max(point, 0));
  if (integerNanos.length > MAX_NANOS_DIGITS) return outOfRange(original);
  let epochMs = integerNanos.length > 6 ? Number(integerNanos.slice(0, -6)) : 0;
  let nanos = integerNanos === '' ? 0 : Number(integerNanos.slice(-6));
  if (sign === '-') {
    // Floor: -(m ms + n ns + f), 0 <= f < 1 ns, is -(m + 1) ms + (1e6 - n - ceil(f)) ns unless n + ceil(f) is 0.
    const nanosUp = nanos + (/[1-9]/.test(belowNanos) ? 1 : 0);
    epochMs = nanosUp === 0 ? -epochMs || 0 : -epochMs - 1;
    nanos = nanosUp === 0 ? 0 : (1_000_000 - nanosUp) % 1_000_000;
  }
  return checkedInstant(epochMs, nanos, original);
}

function fromNanos(totalNanos: bigint, original: unknown): Instant {
  let nanos = totalNanos % 1_000_000n;
  if (nanos < 0n) nanos += 1_000_000n;
  const epochMs = (totalNanos - nanos) / 1_000_000n;
  if (epochMs > BigInt(MAX_EPOCH_MS) || epochMs < -BigInt(MAX_EPOCH_MS)) return outOfRange(original);
  return { epochMs: Number(epochMs), nanos: Number(nanos) };
}

const DIGIT_STRING = /^[+-]?\d+(?:\.\d+)?$/;
const INTEGER_STRING = /^[+-]?\d+$/;
/**
 * ISO-8601 extended format: the RFC 3339 profile plus date-only, minutes-only times, `,` decimals and offsets without `:`.
 * Groups: year, month, day, hour, minute, second, fraction, offset sign, offset hours, offset minutes
 * (positional, as named groups cost ~40% more per match and this can run per record).
 */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))?)?$/;

function fromString(text: string, unit: TimestampUnit | undefined): Instant {
  if (INTEGER_STRING.test(text)) {
    // A safe integer parses exactly (a larger value cannot round down into the safe range): take the number path.
    const number = Number(text);
    if (Number.isSafeInteger(number)) return fromNumber(number, unit);
  }
  if (DIGIT_STRING.test(text)) {
    const integerDigits = text.replace(/^[+-]?0*/, '').split('.')[0]!.length;
    // Compare by digit count so the magnitude rule is exact even where Number(text) would round across a threshold.
    const actualUnit = unit ?? unitForMagnitude(integerDigits === 0 ? 0 : 10 ** (integerDigits - 1));
    return fromDecimal(text, actualUnit, text);
  }
  const match = ISO_8601.exec(text);
  if (match === null) {
    throw new RangeError(
      `Received ${describe(text)}; expected an ISO-8601 / RFC 3339 date or date-time ` +
        '(e.g. "2022-11-07", "2022-11-07T18:03:20.703123Z", "2022-11-07T19:03:20+01:00") ' +
        `or a string of digits (${UNITS_TEXT}, optionally with a fraction)`,
    );
  }
  const [, year = '', month = '', day = '', hour = '0', minute = '0', second = '0', fraction = ''] = match;
  const [offsetSign, offsetHours = '0', offsetMinutes = '0'] = match.slice(8);
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const oh = Number(offsetHours);
  const om = Number(offsetMinutes);
  let invalid: string | undefined;
  if (mo < 1 || mo > 12) invalid = `month ${month} is not 01..12`;
  else if (d < 1 || d > daysInMonth(y, mo)) invalid = `day ${day} does not exist in ${year}-${month}`;
  else if (h > 23) invalid = `hour ${hour} is not 00..23`;
  else if (mi > 59) invalid = `minute ${minute} is not 00..59`;
  else if (s > 59) invalid = `second ${second} is not 00..59 (leap seconds are not supported)`;
  else if (oh > 23 || om > 59) invalid = `offset ${offsetSign ?? ''}${offsetHours}:${offsetMinutes} is not a valid UTC offset`;
  if (invalid !== undefined) throw new RangeError(`Received ${describe(text)}, which is not a valid date-time: ${invalid}`);

  const offsetSeconds = (offsetSign === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  const midnightMs = daysFromCivil(y, mo, d) * 86_400_000;
  const secondsOfDay = h * 3600 + mi * 60 + s - offsetSeconds;
  const nanosOfSecond = fraction === '' ? 0 : Number(fraction.length >= 9 ? fraction.slice(0, 9) : fraction.padEnd(9, '0'));
  return {
    epochMs: midnightMs + secondsOfDay * 1000 + Math.floor(nanosOfSecond / 1_000_000),
    nanos: nanosOfSecond % 1_000_000,
  };
}

function fromDate(date: Date): Instant {
  const epochMs = date.getTime();
  if (Number.isNaN(epochMs)) throw new RangeError(`Received ${describe(date)}; expected ${ACCEPTED}`);
  return { epochMs, nanos: 0 };
}

function checkedInstant(epochMs: number, nanos: number, original: unknown): Instant {
  if (epochMs > MAX_EPOCH_MS || epochMs < -MAX_EPOCH_MS) return outOfRange(original);
  return { epochMs, nanos };
}

function outOfRange(original: unknown): never {
  throw new RangeError(
    `Received ${describe(original)}, which is outside the range a Date can hold ` +
      '(±8.64e15 ms around 1970, i.e. years -271821 to 275760); check the timestamp unit',
  );
}

function floorMod(value: number, divisor: number): number {
  const remainder = value % divisor;
  return remainder < 0 ? remainder + divisor : remainder || 0; // || 0: not -0
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; unlike Date.UTC, right for years 0..99). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'bigint':
      return `the bigint ${String(value)}n`;
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `the Date ${value.toISOString()}`;
      if (Array.isArray(value)) return 'an array';
      return `an object (${(value as object).constructor?.name ?? 'without prototype'})`;
  }
}

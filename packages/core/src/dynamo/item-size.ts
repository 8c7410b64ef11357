import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RecordError } from '../errors.js';

/**
 * The largest item DynamoDB stores: 400 KB, counting attribute names and values.
 * Sizes below follow DynamoDB's documented rules, made exact by measuring DynamoDB Local 3.3.0 and
 * dynalite 4.0.0 at this boundary:
 * - names and strings: UTF-8 bytes; binary: its bytes; BOOL and NULL: 1 byte;
 * - numbers: 1 byte + 1 per base-100 digit (pairs of significant digits aligned on the decimal point),
 *   +1 when negative; zero is 1 byte (see numberSize);
 * - lists and maps: 3 bytes + 1 per element + the elements (map keys count as names);
 * - sets: the sum of their elements.
 * Where the two servers differ we take the larger count, so that no item we pass is refused:
 * dynalite counts strings and names in UTF-16 code units (we count UTF-8 bytes, as documented and as
 * DynamoDB Local does); DynamoDB Local counts a negative number of 20 base-100 digits 1 byte less.
 */
export const MAX_ITEM_BYTES = 400 * 1024;

/** DynamoDB's limits on a key attribute's value (a string's UTF-8 bytes, or a binary's bytes). */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/**
 * Why DynamoDB refuses a number; {@link numberSize} returns one of these (all negative) instead of a size.
 * Limits: at most 38 significant digits, magnitude 1E-130 .. 9.9999999999999999999999999999999999999E+125.
 */
export const NumberRejection = {
  /** Not a decimal number in the syntax DynamoDB and dynalite both accept: `-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`. */
  Malformed: -1,
  /** Magnitude of 1E+126 or more. */
  TooLarge: -2,
  /** Non-zero with a magnitude below 1E-130. */
  TooSmall: -3,
  /** More than 38 significant digits (leading and trailing zeros do not count). */
  TooPrecise: -4,
} as const;

/** Largest power of ten of a number's first significant digit DynamoDB stores. */
const MAX_MAGNITUDE = 125;
/** Smallest power of ten of a non-zero number's first significant digit DynamoDB stores. */
const MIN_MAGNITUDE = -130;
/** DynamoDB keeps 38 significant decimal digits. */
const MAX_SIGNIFICANT_DIGITS = 38;
/** Exponents are clamped here while parsing: past it only the sign matters, and the arithmetic stays exact. */
const EXPONENT_CLAMP = 1e9;

/**
 * Bytes DynamoDB stores for a number written as text, or a negative {@link NumberRejection} code when DynamoDB refuses it.
 * The documentation says "approximately 1 byte per two significant digits + 1"; the exact rule, measured:
 * 1 (exponent) + base-100 digits + 1 if negative, zero being 1. E.g. `1.5` is 3 bytes (1|50), `15` is 2.
 * A negative number of 20 base-100 digits (38 digits from an even power of ten) is 22 bytes for dynalite
 * and 21 for DynamoDB Local, which drops the terminator byte there as Oracle's NUMBER format does: we count 22.
 * One scan, no allocation: this runs for every number of every item.
 */
export function numberSize(text: string): number {
  const length = text.length;
  let i = 0;
  const negative = length > 0 && text.charCodeAt(0) === 45; // '-'
  if (negative) i = 1;
  let mantissaDigits = 0;
  let integerDigits = -1; // digits before the '.', -1 until a '.' is seen
  let firstSignificant = -1; // positions among the mantissa digits
  let lastSignificant = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) {
        if (firstSignificant < 0) firstSignificant = mantissaDigits;
        lastSignificant = mantissaDigits;
      }
      mantissaDigits++;
    } else if (c === 46 && integerDigits < 0) {
      integerDigits = mantissaDigits;
    } else {
      break;
    }
  }
  if (mantissaDigits === 0) return NumberRejection.Malformed;
  if (integerDigits < 0) integerDigits = mantissaDigits;

  let exponent = 0;
  if (i < length) {
    const e = text.charCodeAt(i++);
    if (e !== 101 && e !== 69) return NumberRejection.Malformed; // 'e' | 'E'
    const sign = text.charCodeAt(i);
    const exponentNegative = sign === 45;
    if (exponentNegative || sign === 43) i++; // '-' | '+'
    if (i >= length) return NumberRejection.Malformed;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return NumberRejection.Malformed;
      if (exponent < EXPONENT_CLAMP) exponent = exponent * 10 + digit;
    }
    if (exponentNegative) exponent = -exponent;
  }

  if (firstSignificant < 0) return 1; // zero, whatever its sign, point or exponent
  const significantDigits = lastSignificant - firstSignificant + 1;
  const magnitude = integerDigits - 1 - firstSignificant + exponent; // power of ten of the first significant digit
  if (magnitude > MAX_MAGNITUDE) return NumberRejection.TooLarge;
  if (magnitude < MIN_MAGNITUDE) return NumberRejection.TooSmall;
  if (significantDigits > MAX_SIGNIFICANT_DIGITS) return NumberRejection.TooPrecise;
  // Base-100 digits aligned on the decimal point: an even count of digits starting at an even power
  // of ten straddles one more pair. One byte holds the exponent, negatives carry one terminator byte.
  const pairs = (significantDigits + 1) >> 1;
  const straddles = significantDigits % 2 === 0 && magnitude % 2 === 0 ? 1 : 0;
  return 1 + pairs + straddles + (negative ? 1 : 0);
}

/**
 * UTF-8 bytes of a string, as DynamoDB counts names and strings. An unpaired surrogate counts 3 bytes,
 * the size of the U+FFFD an encoder writes in its place (the largest any server could count).
 * A plain loop: cheaper than `Buffer.byteLength` for the short strings that dominate items.
 */
export function utf8ByteLength(text: string): number {
  const length = text.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/** Size of one attribute (name + value) by DynamoDB's rules. Throws RecordError for a value DynamoDB would refuse to size (a bad number, no type). */
export function attributeSize(name: string, value: AttributeValue): number {
  const size = utf8ByteLength(name) + valueSize(value);
  if (Number.isNaN(size)) {
    throwSizeProblem(name, value);
    throw new RecordError(`${name}: not an AttributeValue`, { field: name });
  }
  return size;
}

/** Size of a whole item by DynamoDB's rules. Throws RecordError for a value DynamoDB would refuse to size (a bad number, no type). */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const name of Object.keys(item)) size += utf8ByteLength(name) + valueSize(item[name]!);
  if (Number.isNaN(size)) {
    for (const name of Object.keys(item)) throwSizeProblem(name, item[name]!);
    throw new RecordError('item holds a value that is not an AttributeValue');
  }
  return size;
}

/**
 * Appends a map key or list index to a field path: `payload` + `a` -> `payload.a`, + 2 -> `payload.a[2]`.
 * Keys other than letters, digits, `_`, `-` and `$` are quoted: `payload["a.b"]`.
 */
export function joinFieldPath(parent: string | undefined, key: string | number): string {
  if (typeof key === 'number') return `${parent ?? ''}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent ?? ''}[${JSON.stringify(key)}]`;
  return parent === undefined || parent === '' ? key : `${parent}.${key}`;
}

const PLAIN_KEY = /^[\p{L}\p{N}_$-]+$/u;

/** Value size; NaN for anything DynamoDB would refuse, so one check at the end covers the whole tree. */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8ByteLength(value.S);
  if (value.N !== undefined) return checkedNumberSize(value.N);
  if (value.M !== undefined) {
    const map = value.M;
    let size = 3;
    for (const key of Object.keys(map)) size += 1 + utf8ByteLength(key) + valueSize(map[key]!);
    return size;
  }
  if (value.L !== undefined) {
    let size = 3;
    for (const element of value.L) size += 1 + valueSize(element);
    return size;
  }
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) {
    let size = 0;
    for (const element of value.SS) size += utf8ByteLength(element);
    return size;
  }
  if (value.NS !== undefined) {
    let size = 0;
    for (const element of value.NS) size += checkedNumberSize(element);
    return size;
  }
  if (value.BS !== undefined) {
    let size = 0;
    for (const element of value.BS) size += element.byteLength;
    return size;
  }
  return Number.NaN;
}

function checkedNumberSize(text: string): number {
  const size = numberSize(text);
  return size < 0 ? Number.NaN : size;
}

/** The slow path after a NaN size: walks the attribute again, building paths, and throws where the problem is. */
function throwSizeProblem(path: string, value: AttributeValue): void {
  if (value === null || typeof value !== 'object') {
    throw new RecordError(`${path}: ${String(value)} is not an AttributeValue`, { field: path });
  }
  if (value.S !== undefined || value.B !== undefined || value.BOOL !== undefined || value.NULL !== undefined) return;
  if (value.N !== undefined) return throwIfBadNumber(path, value.N);
  if (value.M !== undefined) {
    for (const key of Object.keys(value.M)) throwSizeProblem(joinFieldPath(path, key), value.M[key]!);
    return;
  }
  if (value.L !== undefined) {
    value.L.forEach((element, index) => throwSizeProblem(joinFieldPath(path, index), element));
    return;
  }
  if (value.NS !== undefined) {
    value.NS.forEach((element, index) => throwIfBadNumber(joinFieldPath(path, index), element));
    return;
  }
  if (value.SS !== undefined || value.BS !== undefined) return;
  throw new RecordError(`${path}: ${JSON.stringify(value)} is not an AttributeValue (no known type key)`, { field: path });
}

function throwIfBadNumber(path: string, text: string): void {
  const size = numberSize(text);
  if (size < 0) throw new RecordError(`${path}: ${describeNumberRejection(text, size)}`, { field: path });
}

/** Message for a number DynamoDB refuses, naming the value and the limit it breaks. */
export function describeNumberRejection(text: string, rejection: number): string {
  switch (rejection) {
    case NumberRejection.TooLarge:
      return `number ${text} is too large: DynamoDB numbers are at most 9.9999999999999999999999999999999999999E+125 in magnitude`;
    case NumberRejection.TooSmall:
      return `number ${text} is too small: non-zero DynamoDB numbers are at least 1E-130 in magnitude`;
    case NumberRejection.TooPrecise:
      return `number ${text} has more than 38 significant digits, the most DynamoDB stores`;
    default:
      return `${JSON.stringify(text)} is not a decimal number DynamoDB accepts`;
  }
}

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { utilDynamodb } from './commonjs-packages.cjs';
import { Buffer } from 'node:buffer';
import { RecordError } from '../errors.js';
import { describeNumberRejection, joinFieldPath, numberSize, utf8ByteLength } from './item-size.js';
import { decodeInput, toBase64 } from './json-protocol.js';
import { quotedName } from './requests.js';

/*
 * Output equals `marshall(value, { removeUndefinedValues: true })` from @aws-sdk/util-dynamodb for every
 * value both accept. Where we differ, on purpose:
 * - Date becomes S with its ISO string (util-dynamodb throws).
 * - LosslessNumber (lossless-json) becomes N with its digits (util-dynamodb throws).
 * - Numbers are checked against DynamoDB's limits here, with the field named, instead of by the server,
 *   whose ValidationException would fail every item of the batch.
 * - Integers beyond Number.MAX_SAFE_INTEGER are accepted (util-dynamodb throws), see `jsNumber`.
 * - Rejected although util-dynamodb accepts: functions (it drops them silently), sets mixing types (it
 *   writes garbage like {NS: ['1', 'a']}), sets with duplicate numbers or binaries (DynamoDB refuses them),
 *   Map keys that are not strings (it coerces them), strings with unpaired surrogates (not UTF-8),
 *   empty attribute names (DynamoDB refuses them), nesting deeper than DynamoDB's 32 levels (or cyclic:
 *   util-dynamodb overflows the stack), binary other than Uint8Array (it passes ArrayBuffer, DataView and
 *   other typed arrays through, which the SDK does not serialize as their bytes).
 * - A key `__proto__` (JSON.parse makes it an own property) stays an attribute; util-dynamodb loses it.
 * Every problem is a RecordError whose `field` is the dotted path of the value, like `payload.a[2]`.
 */

/** A DynamoDB item and its size by DynamoDB's rules (see item-size.ts), computed in the same pass. */
export interface MarshalledItem {
  readonly item: Record<string, AttributeValue>;
  readonly size: number;
}

/**
 * An item's attributes written straight as DynamoDB's JSON (`"name":{"S":"..."},...`, no braces: the caller adds its
 * own attributes), and their size. No AttributeValue objects are made: the text goes into request bodies as it is.
 */
export interface MarshalledFields {
  readonly fields: string;
  readonly size: number;
}

/** The top-level attributes one by one (names, and their values as JSON), for an UpdateExpression. */
export interface MarshalledAttributes {
  readonly names: string[];
  readonly values: string[];
  readonly size: number;
}

/**
 * Marshals a record's value (a plain object, or a Map with string keys) into a DynamoDB item and its size in one pass.
 * Throws RecordError (field = dotted path like `payload.a[2]`) for values DynamoDB cannot hold.
 */
export function marshalItem(value: unknown): MarshalledItem {
  const { fields, size } = marshalFields(value);
  return { item: decodeInput(`{${fields}}`) as Record<string, AttributeValue>, size };
}

/** As {@link marshalItem}, as JSON text; attributes named in `skip` are left out (the caller sets them). */
export function marshalFields(value: unknown, skip?: ReadonlySet<string>): MarshalledFields {
  const marshaller = acquire(undefined, value);
  try {
    const fields = marshaller.item(value, skip, undefined);
    return { fields, size: marshaller.size };
  } catch (error) {
    throw marshaller.asRecordError(error);
  } finally {
    release(marshaller);
  }
}

/** As {@link marshalFields}, each attribute apart. */
export function marshalAttributes(value: unknown, skip?: ReadonlySet<string>): MarshalledAttributes {
  const marshaller = acquire(undefined, value);
  try {
    const split = { names: [] as string[], values: [] as string[] };
    marshaller.item(value, skip, split);
    return { ...split, size: marshaller.size };
  } catch (error) {
    throw marshaller.asRecordError(error);
  } finally {
    release(marshaller);
  }
}

/**
 * Marshals one value (used for key attributes) as an attribute at the top of an item; `path` names it in errors.
 * Key rules (S, N or B only, not empty, at most 2048/1024 bytes) are the caller's to check.
 */
export function marshalValue(value: unknown, path: string): AttributeValue {
  const marshaller = acquire(path, OUTSIDE_ANY_RECORD);
  try {
    // Keys and versions are numbers (the callers check): their digits are the attribute, no JSON text in between.
    const digits = marshaller.numberDigits(value);
    return digits !== undefined ? { N: digits } : (decodeInput(marshaller.value(value)) as unknown as AttributeValue);
  } catch (error) {
    throw marshaller.asRecordError(error);
  } finally {
    release(marshaller);
  }
}

/**
 * True for number-like objects carrying exact decimal digits: util-dynamodb's NumberValue (also from another copy
 * of the package: constructor named NumberValue with a string `value`), lossless-json's LosslessNumber (duck-typed:
 * `isLosslessNumber === true` and a string `value`).
 */
export function isExactNumber(value: unknown): value is { readonly value: string } {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof utilDynamodb.NumberValueImpl) return true;
  const candidate = value as { isLosslessNumber?: unknown; value?: unknown };
  return typeof candidate.value === 'string' && (candidate.isLosslessNumber === true || value.constructor?.name === 'NumberValue');
}

/** The digits of a bigint, or of a number-like object's `value` (its toString may be Object's). */
function exactDigits(element: unknown): string {
  return isExactNumber(element) ? element.value : String(element);
}

/**
 * DynamoDB nests at most 32 levels, the item being the first: a map or list may sit at most 31 levels
 * below the item (measured on DynamoDB Local; dynalite does not check).
 */
const MAX_CONTAINER_DEPTH = 31;

/** The bottom of the ancestor chain for marshalValue: its value sits one level below an item that is not there. */
const OUTSIDE_ANY_RECORD: object = Object.freeze({});

type SetKind = 'string' | 'number' | 'binary';

/** Walks one value. Keeps its running size and where it is, so that errors can name the field without costing the happy path. */
class Marshaller {
  size = 0;
  /** Names the root in error fields: undefined for items, the attribute name for marshalValue. */
  rootPath: string | undefined = undefined;
  /** Map keys and list/set indexes from the root to the value being converted. */
  readonly path: (string | number)[] = [];
  /** The root, then each map and list entered: their count is the depth, and a repeat is a cycle. */
  readonly ancestors: object[] = [];

  /** The item's attributes as JSON, or each apart into `split`. */
  item(value: unknown, skip: ReadonlySet<string> | undefined, split: Split | undefined): string {
    if (typeof value === 'object' && value !== null) {
      if (isPlainObject(value)) return this.plainObject(value, 0, skip, split);
      if (value instanceof Map) return this.mapEntries(value, 0, skip, split);
    }
    return this.fail(`a record value must be a plain object (or a Map) to become a DynamoDB item, got ${describe(value)}`);
  }

  /** The value as an AttributeValue in JSON: `{"S":"..."}`, `{"M":{...}}`, ... */
  value(value: unknown): string {
    switch (typeof value) {
      case 'string':
        this.size += this.stringSize(value);
        return `{"S":${JSON.stringify(value)}}`;
      case 'number':
        // Number text is digits, sign, point and exponent only (numberSize checks it): nothing to escape.
        return `{"N":"${this.jsNumber(value)}"}`;
      case 'boolean':
        this.size += 1;
        return value ? '{"BOOL":true}' : '{"BOOL":false}';
      case 'object':
        if (value === null) {
          this.size += 1;
          return '{"NULL":true}';
        }
        if (Array.isArray(value)) return `{"L":[${this.list(value)}]}`;
        // Before the plain-object test: a lossless number may be a plain object too.
        if (isExactNumber(value)) return `{"N":"${this.exactNumber(value.value)}"}`;
        if (isPlainObject(value)) {
          this.enter(value);
          this.size += 3;
          const map = this.plainObject(value, 1, undefined, undefined);
          this.ancestors.pop();
          return `{"M":{${map}}}`;
        }
        return this.instance(value);
      case 'bigint':
        return `{"N":"${this.exactNumber(String(value))}"}`;
      default: // undefined (dropped earlier inside maps, lists and sets), function, symbol
        return this.fail(`${describe(value)} cannot be stored in DynamoDB`);
    }
  }

  /** The digits of a number, bigint, NumberValue or LosslessNumber, checked against DynamoDB's limits; else undefined. */
  numberDigits(value: unknown): string | undefined {
    if (typeof value === 'number') return this.jsNumber(value);
    if (typeof value === 'bigint') return this.exactNumber(String(value));
    return isExactNumber(value) ? this.exactNumber(value.value) : undefined;
  }

  /** The fields of a plain object; `entryOverhead` is 1 for a map value (each element costs a byte), 0 for the item. */
  private plainObject(source: object, entryOverhead: number, skip: ReadonlySet<string> | undefined, split: Split | undefined): string {
    const fields = source as Record<string, unknown>;
    let out = '';
    const path = this.path;
    const at = path.length;
    path.push('');
    for (const key of Object.keys(fields)) {
      path[at] = key;
      const field = fields[key];
      if (field === undefined || skip?.has(key)) continue;
      this.size += entryOverhead + this.nameSize(key);
      out = addField(out, key, this.value(field), split);
    }
    path.pop();
    return out;
  }

  /** A Map like a plain object (util-dynamodb does the same); its keys must be strings. */
  private mapEntries(source: Map<unknown, unknown>, entryOverhead: number, skip: ReadonlySet<string> | undefined, split: Split | undefined): string {
    let out = '';
    const path = this.path;
    const at = path.length;
    path.push('');
    for (const [key, field] of source) {
      if (typeof key !== 'string') {
        path.pop();
        this.fail(`Map key ${describe(key)} is not a string: DynamoDB attribute names are strings`);
      }
      path[at] = key;
      if (field === undefined || skip?.has(key)) continue;
      this.size += entryOverhead + this.nameSize(key);
      out = addField(out, key, this.value(field), split);
    }
    path.pop();
    return out;
  }

  private list(source: readonly unknown[]): string {
    this.enter(source);
    let out = '';
    let count = 0;
    const path = this.path;
    const at = path.length;
    path.push(0);
    for (let index = 0; index < source.length; index++) {
      path[at] = index;
      const element = source[index];
      if (element === undefined) continue;
      const json = this.value(element);
      out = count++ === 0 ? json : `${out},${json}`;
    }
    path.pop();
    this.size += 3 + count;
    this.ancestors.pop();
    return out;
  }

  /** Everything that is an object but neither plain nor an array: the slow path. */
  private instance(value: object): string {
    if (value instanceof Uint8Array) {
      this.size += value.byteLength;
      return `{"B":"${toBase64(value)}"}`;
    }
    if (value instanceof Set) return this.set(value);
    if (value instanceof Map) {
      this.enter(value);
      this.size += 3;
      const map = this.mapEntries(value, 1, undefined, undefined);
      this.ancestors.pop();
      return `{"M":{${map}}}`;
    }
    if (value instanceof Date) {
      const time = value.getTime();
      if (Number.isNaN(time)) return this.fail('an invalid Date cannot be stored in DynamoDB');
      const iso = value.toISOString();
      this.size += iso.length; // ASCII, nothing to escape
      return `{"S":"${iso}"}`;
    }
    // Boxed primitives: util-dynamodb marshals them as their primitive, and so do we.
    if (value instanceof String || value instanceof Number || value instanceof Boolean) return this.value((value as { valueOf(): unknown }).valueOf());
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return this.fail(`${describe(value)} cannot be stored in DynamoDB: binary values must be a Uint8Array or a Buffer`);
    }
    return this.fail(
      `${describe(value)} cannot be stored in DynamoDB: only plain objects, arrays, Map, Set, Uint8Array, Date, ` +
        'bigint, NumberValue and LosslessNumber are marshalled; convert it to a plain object first',
    );
  }

  /** SS, NS or BS. Undefined elements are dropped (as removeUndefinedValues does); the rest must share one kind and be distinct. */
  private set(source: Set<unknown>): string {
    const path = this.path;
    const at = path.length;
    path.push(0);
    let kind: SetKind | undefined;
    const elements: (string | Uint8Array)[] = [];
    let index = -1;
    for (const element of source) {
      path[at] = ++index;
      if (element === undefined) continue;
      const elementKind = setKindOf(element);
      if (elementKind === undefined) {
        this.fail(`${describe(element)} cannot be a set element: DynamoDB sets hold only strings, numbers or binary values`);
      }
      if (kind === undefined) kind = elementKind;
      else if (kind !== elementKind) this.fail(`a DynamoDB set holds one type, but this set mixes ${PLURAL[kind]} and ${PLURAL[elementKind]}`);
      if (elementKind === 'string') {
        this.size += this.stringSize(element as string);
        elements.push(element as string);
      } else if (elementKind === 'binary') {
        this.size += (element as Uint8Array).byteLength;
        elements.push(element as Uint8Array);
      } else {
        elements.push(typeof element === 'number' ? this.jsNumber(element) : this.exactNumber(exactDigits(element)));
      }
    }
    path.pop();
    if (kind === undefined) return this.fail('empty sets cannot be stored in DynamoDB');
    if (kind === 'string') return `{"SS":[${(elements as string[]).map((element) => JSON.stringify(element)).join(',')}]}`;
    if (kind === 'number') {
      this.refuseDuplicates(elements as string[], canonicalNumber, 'number');
      return `{"NS":[${(elements as string[]).map((element) => `"${element}"`).join(',')}]}`;
    }
    this.refuseDuplicates(elements as Uint8Array[], binaryKey, 'binary value');
    return `{"BS":[${(elements as Uint8Array[]).map((element) => `"${toBase64(element)}"`).join(',')}]}`;
  }

  /** DynamoDB compares set elements by value (1 equals 1.0 and 1n; equal bytes are equal), and refuses duplicates. */
  private refuseDuplicates<T>(elements: T[], keyOf: (element: T) => string, noun: string): void {
    if (elements.length < 2) return;
    const seen = new Map<string, number>();
    elements.forEach((element, index) => {
      const key = keyOf(element);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return;
      }
      this.path.push(index);
      const shown = typeof element === 'string' ? ` ${element}` : '';
      this.fail(`this set holds the ${noun}${shown} twice (elements ${first} and ${index}): DynamoDB refuses sets with duplicates`);
    });
  }

  /**
   * A JS number as DynamoDB text: `String(n)`, the shortest decimal that reads back as the same double
   * (`1e+21`, `1.5e-7` included: DynamoDB and dynalite both accept exponents).
   * Integers beyond Number.MAX_SAFE_INTEGER are accepted, unlike util-dynamodb: the text reads back as exactly
   * the double we were given, so this step loses nothing; if digits were lost, they were lost when the
   * record was parsed (parse with lossless-json, or pass bigint or NumberValue, to keep them). Refusing them
   * would also refuse legitimate large values like 6.02e+23.
   */
  private jsNumber(value: number): string {
    const text = String(value);
    const size = numberSize(text);
    if (size < 0) {
      this.fail(Number.isFinite(value) ? describeNumberRejection(text, size) : `number ${text} cannot be stored: DynamoDB numbers must be finite`);
    }
    this.size += size;
    return text;
  }

  /** Digits from a bigint, NumberValue or LosslessNumber, passed through unchanged (as util-dynamodb does) once DynamoDB's limits are checked. */
  private exactNumber(text: string): string {
    const size = numberSize(text);
    if (size < 0) this.fail(describeNumberRejection(text, size));
    this.size += size;
    return text;
  }

  private stringSize(text: string): number {
    const bytes = utf8ByteLength(text);
    // Only non-ASCII strings can hold a surrogate; ASCII ones skip the check.
    if (bytes !== text.length && !(text as unknown as WellFormedString).isWellFormed()) this.fail(unpairedSurrogate('string', text));
    return bytes;
  }

  private nameSize(name: string): number {
    if (name.length === 0) this.fail('attribute names cannot be empty in DynamoDB');
    const bytes = utf8ByteLength(name);
    if (bytes !== name.length && !(name as unknown as WellFormedString).isWellFormed()) this.fail(unpairedSurrogate('attribute name', name));
    return bytes;
  }

  /** Counts a map or list about to be entered; past DynamoDB's depth, says whether it is a cycle. */
  private enter(container: object): void {
    const ancestors = this.ancestors;
    if (ancestors.length > MAX_CONTAINER_DEPTH) this.failTooDeep(container);
    ancestors.push(container);
  }

  private failTooDeep(container: object): never {
    // chain[k] was reached through path[0 .. k-1]; the first container met twice closes the cycle.
    const chain = [...this.ancestors, container];
    for (let k = 1; k < chain.length; k++) {
      const first = chain.indexOf(chain[k]!);
      if (first < k) {
        const target = first === 0 ? 'the record itself' : formatPath(this.rootPath, this.path.slice(0, first));
        this.path.length = k;
        this.fail(`cyclic reference: this value is ${target}, which contains it`);
      }
    }
    return this.fail(`maps and lists nested deeper than DynamoDB's limit of 32 levels (counting the item itself)`);
  }

  private fail(reason: string): never {
    const field = formatPath(this.rootPath, this.path);
    throw new RecordError(field === undefined ? reason : `${field}: ${reason}`, { field });
  }

  /** Whatever escaped (a getter or a Proxy trap that threw) becomes a RecordError naming where it happened. */
  asRecordError(error: unknown): RecordError {
    if (error instanceof RecordError) return error;
    const field = formatPath(this.rootPath, this.path);
    const reason = `reading the value failed: ${error instanceof Error ? error.message : String(error)}`;
    return new RecordError(field === undefined ? reason : `${field}: ${reason}`, { field, cause: error });
  }

  reset(): void {
    this.size = 0;
    this.rootPath = undefined;
    this.path.length = 0;
    this.ancestors.length = 0;
  }
}

/** One Marshaller reused across calls (no allocation per item); a nested call (from a getter) gets its own. */
let idle: Marshaller | undefined = new Marshaller();

function acquire(rootPath: string | undefined, root: unknown): Marshaller {
  const marshaller = idle ?? new Marshaller();
  idle = undefined;
  marshaller.rootPath = rootPath;
  if (typeof root === 'object' && root !== null) marshaller.ancestors.push(root);
  return marshaller;
}

function release(marshaller: Marshaller): void {
  marshaller.reset();
  idle = marshaller;
}

/** `isWellFormed` is in Node 20 but not in TypeScript's ES2022 lib. */
interface WellFormedString {
  isWellFormed(): boolean;
}

const PLURAL: Record<SetKind, string> = { string: 'strings', number: 'numbers', binary: 'binary values' };

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return true;
  // A plain object from another realm (vm, iframe) has that realm's Object.prototype.
  return (
    typeof prototype === 'object' &&
    Object.getPrototypeOf(prototype) === null &&
    (prototype as { constructor?: { name?: unknown } }).constructor?.name === 'Object'
  );
}

/** Where the top-level attributes go one by one, for an UpdateExpression. */
interface Split {
  readonly names: string[];
  readonly values: string[];
}

/** `out` with `"key":json` added, or `out` unchanged with the pair in `split`. */
function addField(out: string, key: string, json: string, split: Split | undefined): string {
  if (split) {
    split.names.push(key);
    split.values.push(json);
    return out;
  }
  const field = quotedName(key) + json;
  return out === '' ? field : `${out},${field}`;
}

function setKindOf(element: unknown): SetKind | undefined {
  switch (typeof element) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'object':
      if (element instanceof Uint8Array) return 'binary';
      if (isExactNumber(element)) return 'number';
      return undefined;
    default:
      return undefined;
  }
}

/** The value of a number text DynamoDB accepted, written one way: sign, significant digits, power of ten of the first. */
function canonicalNumber(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const integer = match[2] ?? '';
  const digits = integer + (match[3] ?? '');
  const first = digits.search(/[1-9]/);
  if (first < 0) return '0';
  const significant = digits.slice(first).replace(/0+$/, '');
  const magnitude = integer.length - 1 - first + Number(match[4] ?? 0);
  return `${match[1]}${significant}e${magnitude}`;
}

function binaryKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function unpairedSurrogate(what: string, text: string): string {
  let index = 0;
  for (; index < text.length; index++) {
    const c = text.charCodeAt(index);
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) index++;
    else if ((c & 0xf800) === 0xd800) break;
  }
  return `${what} ${describe(text)} has an unpaired UTF-16 surrogate at index ${index} and cannot be stored as UTF-8`;
}

function formatPath(root: string | undefined, segments: readonly (string | number)[]): string | undefined {
  let path = root;
  for (const segment of segments) path = joinFieldPath(path, segment);
  return path;
}

/** A short description of a value for error messages. */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `function ${value.name}` : 'an anonymous function';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'an array';
      if (isPlainObject(value)) return 'an object';
      const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object with an unknown prototype';
    }
    default:
      return String(value);
  }
}

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { LosslessNumber } from 'lossless-json';
import { ConfigError, RecordError } from '../errors.js';
import { parseJson } from '../json/parse-json.js';
import type { SinkRecord } from '../sink.js';
import { utf8ByteLength } from './item-size.js';
import { isExactNumber, marshalValue } from './marshal.js';
import { compileStrftime, type CompiledPattern } from './strftime.js';
import type { Instant } from './timestamp.js';

/** The DynamoDB type of a key attribute, as the table's key schema declares it. */
export type KeyType = 'S' | 'N' | 'B';

/**
 * A parsed key spec:
 * - `name` copies the value's field `name`;
 * - `name|pattern` sets attribute `name` to the record's timestamp formatted with a strftime pattern;
 * - `name=SOURCE` sets attribute `name` from the record's key, metadata, headers or a nested field (see {@link KeySource}).
 */
export type KeySpec =
  | { readonly kind: 'field'; readonly attribute: string; readonly spec: string }
  | { readonly kind: 'time'; readonly attribute: string; readonly pattern: CompiledPattern; readonly spec: string }
  | { readonly kind: 'source'; readonly attribute: string; readonly source: KeySource; readonly spec: string };

/**
 * Where a `name=SOURCE` key reads its value. `text` is the SOURCE as written (`key.id`), which failures name as their field.
 * Paths are split at parse time, so reading one costs no string work per record.
 */
export type KeySource =
  | { readonly from: 'key' | 'topic' | 'partition' | 'offset'; readonly text: string }
  | { readonly from: 'header'; readonly name: string; readonly text: string }
  | { readonly from: 'key-json' | 'value'; readonly path: readonly PathSegment[]; readonly text: string };

/** One step of a dotted path: a field name, and the array position it also is when it is all digits (else -1). */
export interface PathSegment {
  readonly name: string;
  readonly index: number;
}

/** What a key spec reads a record through. */
export interface KeyInput {
  readonly record: SinkRecord;
  /** The value the item is built from (after the user's transform), or null for a tombstone (a delete without a value). */
  readonly value: Record<string, unknown> | null;
  /** The record's time; only `name|pattern` specs need it (undefined otherwise). */
  readonly instant: Instant | undefined;
}

const GRAMMAR =
  'expected "name" (copy the value\'s field), "name|strftime-pattern" (format the timestamp) or "name=SOURCE" ' +
  '(SOURCE: key, key.PATH, value.PATH, topic, partition, offset or header.NAME; PATH: fields separated by ".", ' +
  'digits index an array), e.g. "id", "hour_of_day|%Y-%m-%d %H" or "id=key.id"';

/** Parses a key spec; `option` names the option it came from, for the error message. */
export function parseKeySpec(spec: string, option: string, timeZone: string): KeySpec {
  const bad = (why: string): never => {
    throw new ConfigError(`Invalid \`${option}\` ${JSON.stringify(spec)}: ${why}; ${GRAMMAR}`);
  };
  const bars = count(spec, '|');
  const equals = count(spec, '=');
  if (bars > 0 && equals > 0) bad(`it has both '|' and '=' where a spec is either "name|pattern" or "name=SOURCE"`);
  if (bars > 1) bad(`it has ${bars} '|' where at most one is allowed`);
  if (equals > 1) bad(`it has ${equals} '=' where at most one is allowed`);

  const split = Math.max(spec.indexOf('|'), spec.indexOf('='));
  const attribute = split === -1 ? spec : spec.slice(0, split);
  if (attribute.trim() === '') bad('the attribute name is empty');
  if (attribute !== attribute.trim()) bad('the attribute name has leading or trailing spaces');
  if (split === -1) return { kind: 'field', attribute, spec };

  const rest = spec.slice(split + 1);
  if (bars === 1) {
    if (rest === '') bad('the strftime pattern after "|" is empty');
    try {
      return { kind: 'time', attribute, pattern: compileStrftime(rest, timeZone), spec };
    } catch (error) {
      return bad((error as Error).message);
    }
  }
  const source = parseSource(rest);
  if (typeof source === 'string') return bad(source);
  return { kind: 'source', attribute, source, spec };
}

/** The source after `=`, or why it is not one. */
function parseSource(text: string): KeySource | string {
  if (text === '') return 'the source after "=" is empty';
  if (text !== text.trim()) return `the source ${JSON.stringify(text)} has leading or trailing spaces`;
  switch (text) {
    case 'key':
    case 'topic':
    case 'partition':
    case 'offset':
      return { from: text, text };
    case 'value':
      return 'the source "value" needs a path to a field, e.g. "value.id"';
    case 'header':
      return 'the source "header" needs a header name, e.g. "header.tenant"';
  }
  const dot = text.indexOf('.');
  const head = dot === -1 ? text : text.slice(0, dot);
  const tail = text.slice(dot + 1);
  switch (dot === -1 ? '' : head) {
    case 'header':
      // A header name is taken whole: header names often contain dots (`x.trace.id`).
      if (tail === '') return 'the header name after "header." is empty';
      return { from: 'header', name: tail, text };
    case 'key':
    case 'value': {
      const names = tail.split('.');
      if (names.some((name) => name === '')) return `the path after "${head}." has an empty field name (${JSON.stringify(tail)})`;
      return { from: head === 'key' ? 'key-json' : 'value', path: names.map(toSegment), text };
    }
  }
  return `unknown source ${JSON.stringify(text)}`;
}

function toSegment(name: string): PathSegment {
  const index = /^\d+$/.test(name) ? Number(name) : -1;
  return { name, index: Number.isSafeInteger(index) ? index : -1 };
}

function count(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) n++;
  return n;
}

/** True when the spec reads the record's value (`name` and `value.PATH`): such a spec cannot name the item of a tombstone. */
export function readsValue(key: KeySpec): boolean {
  return key.kind === 'field' || (key.kind === 'source' && key.source.from === 'value');
}

/** True when the spec is a formatted timestamp (needs `input.instant`). */
export function readsTime(key: KeySpec): boolean {
  return key.kind === 'time';
}

/**
 * The key attribute's value for one record, as the table declares its type. Throws RecordError whose `field` names
 * what was read: the value's field for `name`, the SOURCE (`key.id`, `header.tenant`, `topic`) for `name=SOURCE`.
 *
 * Fields of the value or of a JSON key must already have the declared type (S: a non-empty string; N: a number,
 * bigint or exact number; B: non-empty binary). Metadata (`key`, `topic`, `partition`, `offset`, `header.NAME`) is
 * converted: to S as text, to N from a number or numeric text, to B as UTF-8 bytes (binary keys and headers as they are).
 * `maxBytes` is DynamoDB's limit for this key (2048 bytes for a partition key, 1024 for a sort key): a longer value
 * fails here, naming the field, rather than as a request DynamoDB refuses.
 *
 * @example keyAttribute(parseKeySpec('id=key.id', 'partitionKey', 'UTC'), 'S', { record: { value: null, key: '{"id":"a"}' }, value: null, instant: undefined }, 2048) // { S: 'a' }
 */
export function keyAttribute(key: KeySpec, type: KeyType, input: KeyInput, maxBytes: number): AttributeValue {
  switch (key.kind) {
    case 'field': {
      const value = input.value;
      if (value === null) return failTombstone(key);
      return typedAttribute(key, type, value[key.attribute], maxBytes);
    }
    case 'time':
      if (input.instant === undefined) throw new Error(`Key "${key.attribute}" formats the record's time, but the caller passed no instant`);
      return { S: key.pattern.format(input.instant) };
    case 'source':
      return sourceAttribute(key, type, input, maxBytes);
  }
}

type SourceSpec = Extract<KeySpec, { kind: 'source' }>;

function sourceAttribute(key: SourceSpec, type: KeyType, input: KeyInput, maxBytes: number): AttributeValue {
  const source = key.source;
  const record = input.record;
  switch (source.from) {
    case 'value':
      if (input.value === null) return failTombstone(key);
      return typedAttribute(key, type, readPath(key, source.path, input.value, 'value'), maxBytes);
    case 'key-json':
      return typedAttribute(key, type, readPath(key, source.path, parsedKey(key, record.key), 'key'), maxBytes);
    case 'key':
      return metadataAttribute(key, type, record.key, maxBytes);
    case 'topic':
      return metadataAttribute(key, type, record.topic, maxBytes);
    case 'partition':
      return metadataAttribute(key, type, record.partition, maxBytes);
    case 'offset':
      return metadataAttribute(key, type, record.offset, maxBytes);
    case 'header': {
      // Own entries only: a header named "constructor" must not read Object's.
      const headers = record.headers;
      return metadataAttribute(key, type, headers && Object.hasOwn(headers, source.name) ? headers[source.name] : undefined, maxBytes);
    }
  }
}

/** A field of the value or of a JSON key: it must already be of the declared type. */
function typedAttribute(key: KeySpec, type: KeyType, field: unknown, maxBytes: number): AttributeValue {
  switch (type) {
    case 'S':
      if (typeof field !== 'string' || field === '') return failType(key, 'a non-empty string', field);
      // Only a long string can be over: at most 3 bytes per UTF-16 code unit.
      if (field.length * 3 > maxBytes) checkKeyBytes(key, utf8ByteLength(field), maxBytes);
      return { S: field };
    case 'N':
      // DynamoDB numbers (38 digits at most) are far below any key limit.
      if (typeof field !== 'number' && typeof field !== 'bigint' && !isExactNumber(field)) return failType(key, 'a number (the table declares it N)', field);
      return marshalValue(field, fieldOf(key));
    case 'B':
      if (!(field instanceof Uint8Array) || field.length === 0) return failType(key, 'non-empty binary (the table declares it B)', field);
      checkKeyBytes(key, field.length, maxBytes);
      return { B: field };
  }
}

/** Metadata (record key, topic, partition, offset, header): converted to the declared type. */
function metadataAttribute(key: SourceSpec, type: KeyType, raw: unknown, maxBytes: number): AttributeValue {
  if (raw === undefined || raw === null) return failSource(key, `the record has no ${metadataName(key.source)}`);
  if (raw instanceof Uint8Array) {
    if (raw.length === 0) return failSource(key, `${metadataLabel(key.source)} is empty`);
    if (type === 'B') {
      checkKeyBytes(key, raw.length, maxBytes);
      return { B: raw };
    }
    return textAttribute(key, type, decodeUtf8(key, raw, metadataLabel(key.source)), maxBytes);
  }
  switch (typeof raw) {
    case 'string':
      return textAttribute(key, type, raw, maxBytes);
    case 'number':
    case 'bigint':
      return type === 'N' ? marshalValue(raw, key.source.text) : textAttribute(key, type, String(raw), maxBytes);
    default:
      return failSource(key, `${metadataLabel(key.source)} is ${describe(raw)}, not text, a number or bytes`);
  }
}

function textAttribute(key: SourceSpec, type: KeyType, text: string, maxBytes: number): AttributeValue {
  if (text === '') return failSource(key, `${metadataLabel(key.source)} is empty`);
  switch (type) {
    case 'S':
      if (text.length * 3 > maxBytes) checkKeyBytes(key, utf8ByteLength(text), maxBytes);
      return { S: text };
    case 'N':
      if (!DECIMAL.test(text)) return failType(key, 'a number (the table declares it N)', text);
      // The marshaller applies DynamoDB's limits (38 digits, magnitude) to the digits as they are.
      return marshalValue(new LosslessNumber(text), key.source.text);
    case 'B': {
      const bytes = UTF8_ENCODER.encode(text);
      checkKeyBytes(key, bytes.length, maxBytes);
      return { B: bytes };
    }
  }
}

/** A decimal number as JSON writes it: what an offset, a partition or a numeric header holds. */
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const UTF8_ENCODER = new TextEncoder();
// fatal: bytes that are not UTF-8 fail the record instead of turning into U+FFFD; ignoreBOM: a BOM stays part of the text.
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(key: SourceSpec, bytes: Uint8Array, label: string): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    const hex = Array.from(bytes.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    return failSource(
      key,
      `${label} is not UTF-8 text (${bytes.length} bytes: ${hex}${bytes.length > 16 ? ' ...' : ''}); ` +
        'declare the key B to store bytes as they are',
    );
  }
}

/**
 * The last record key parsed as JSON. Partition and sort key read the same record back to back, so one entry makes
 * the key parse once per record; keyed by the text (not the record), it holds no record alive and cannot go stale.
 */
let lastKeyText: string | undefined;
let lastKeyJson: unknown;

function parsedKey(key: SourceSpec, raw: string | Uint8Array | null | undefined): unknown {
  if (raw === undefined || raw === null) return failSource(key, 'the record has no key');
  const text = typeof raw === 'string' ? raw : decodeUtf8(key, raw, 'the record key');
  if (text === lastKeyText) return lastKeyJson;
  if (text === '') return failSource(key, 'the record key is empty');
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (error) {
    return failSource(key, `the record key is not JSON: ${(error as Error).message} (key: ${truncate(JSON.stringify(text))})`);
  }
  lastKeyText = text;
  lastKeyJson = json;
  return json;
}

/** Follows a dotted path from `root`; anything missing on the way fails, naming the first part that is not there. */
function readPath(key: SourceSpec, path: readonly PathSegment[], root: unknown, rootName: string): unknown {
  let current = root;
  for (let i = 0; i < path.length; i++) {
    current = child(current, path[i]!);
    if (current === undefined) return failPath(key, path, root, rootName);
  }
  return current;
}

/** One step down: an own field of a plain object, a Map entry, or an array element; undefined otherwise. */
function child(container: unknown, segment: PathSegment): unknown {
  if (typeof container !== 'object' || container === null) return undefined;
  if (Array.isArray(container)) return segment.index === -1 ? undefined : container[segment.index];
  if (container instanceof Map) return container.get(segment.name);
  const proto = Object.getPrototypeOf(container);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return Object.hasOwn(container, segment.name) ? (container as Record<string, unknown>)[segment.name] : undefined;
}

/** The slow path: walks again to say where and why the path ends. */
function failPath(key: SourceSpec, path: readonly PathSegment[], root: unknown, rootName: string): never {
  let current = root;
  let name = rootName;
  for (const segment of path) {
    const next = child(current, segment);
    const nextName = `${name}.${segment.name}`;
    if (next === undefined) {
      if (typeof current !== 'object' || current === null || !isContainer(current)) {
        return failSource(key, `${name} is ${describe(current)}, not an object`);
      }
      if (Array.isArray(current)) {
        if (segment.index === -1) return failSource(key, `${name} is an array, which "${segment.name}" cannot index (a position is digits, e.g. ${name}.0)`);
        return failSource(key, `${nextName} is missing (${name} has ${current.length} element${current.length === 1 ? '' : 's'})`);
      }
      return failSource(key, `${nextName} is missing`);
    }
    current = next;
    name = nextName;
  }
  throw new Error(`failPath called for ${key.source.text}, which reads fine`);
}

function isContainer(value: object): boolean {
  if (Array.isArray(value) || value instanceof Map) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a failure's `field` is: the value's field for `name`, the SOURCE text for `name=SOURCE`. */
function fieldOf(key: KeySpec): string {
  return key.kind === 'source' ? key.source.text : key.attribute;
}

/** How messages start: `Key field "id"` (today's form) or `Key "id" reads key.id, which`. */
function subjectOf(key: KeySpec): string {
  return key.kind === 'source' ? `Key "${key.attribute}" reads ${key.source.text}, which` : `Key field "${key.attribute}"`;
}

function failType(key: KeySpec, expected: string, found: unknown): never {
  const got = key.kind === 'source' && typeof found === 'string' && found !== '' ? `the string ${truncate(JSON.stringify(found))}` : describe(found);
  throw new RecordError(`${subjectOf(key)} must be ${expected}, got ${got}`, { field: fieldOf(key) });
}

function failSource(key: SourceSpec, why: string): never {
  throw new RecordError(`Key "${key.attribute}" reads ${key.source.text}, but ${why}`, { field: key.source.text });
}

function failTombstone(key: KeySpec): never {
  const opening = key.kind === 'source' ? `Key "${key.attribute}" reads ${key.source.text}, but` : `Key field "${key.attribute}" cannot be read:`;
  throw new RecordError(
    `${opening} the record is a tombstone (value null), which has only a key and metadata; ` +
      `name its item from those, e.g. "${key.attribute}=key" or "${key.attribute}=key.${key.attribute}"`,
    { field: fieldOf(key) },
  );
}

/** Throws when a key value is over DynamoDB's limit for its key. A plain function: this runs for every record. */
function checkKeyBytes(key: KeySpec, bytes: number, maxBytes: number): void {
  if (bytes <= maxBytes) return;
  throw new RecordError(`${subjectOf(key)} is ${bytes} bytes, over DynamoDB's limit of ${maxBytes} bytes for this key`, { field: fieldOf(key) });
}

/** `key`, `topic`, `header "tenant"`: what a record lacks (`the record has no ...`). */
function metadataName(source: KeySource): string {
  return source.from === 'header' ? `header ${JSON.stringify(source.name)}` : source.from;
}

/** `the record key`, `the record's topic`, `header "tenant"`: the subject of a sentence about the value found. */
function metadataLabel(source: KeySource): string {
  if (source.from === 'key') return 'the record key';
  if (source.from === 'header') return `header ${JSON.stringify(source.name)}`;
  return `the record's ${source.from}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === '') return 'an empty string';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string`;
  return `${typeof value === 'object' ? value.constructor?.name ?? 'object' : typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConfigError, RecordError } from '../errors.js';
import { utf8ByteLength } from './item-size.js';
import { isExactNumber, marshalValue } from './marshal.js';
import { compileStrftime, type CompiledPattern } from './strftime.js';
import type { Instant } from './timestamp.js';

/** The DynamoDB type of a key attribute, as the table's key schema declares it. */
export type KeyType = 'S' | 'N' | 'B';

/**
 * A parsed key spec: `name` copies the value's field `name`;
 * `name|pattern` sets attribute `name` to the record's timestamp formatted with a strftime pattern.
 */
export type KeySpec =
  | { readonly kind: 'field'; readonly attribute: string; readonly spec: string }
  | { readonly kind: 'time'; readonly attribute: string; readonly pattern: CompiledPattern; readonly spec: string };

const GRAMMAR = `expected "name" (copy that field) or "name|strftime-pattern" (format the timestamp), e.g. "id" or "hour_of_day|%Y-%m-%d %H"`;

/** Parses a key spec; `option` names the option it came from, for the error message. */
export function parseKeySpec(spec: string, option: string, timeZone: string): KeySpec {
  const parts = spec.split('|');
  const bad = (why: string): never => {
    throw new ConfigError(`Invalid \`${option}\` ${JSON.stringify(spec)}: ${why}; ${GRAMMAR}`);
  };
  if (parts.length > 2) bad(`it has ${parts.length - 1} '|' where at most one is allowed`);
  const [attribute = '', pattern] = parts;
  if (attribute.trim() === '') bad('the attribute name is empty');
  if (attribute !== attribute.trim()) bad('the attribute name has leading or trailing spaces');
  if (pattern === undefined) return { kind: 'field', attribute, spec };
  if (pattern === '') bad('the strftime pattern after "|" is empty');
  try {
    return { kind: 'time', attribute, pattern: compileStrftime(pattern as string, timeZone), spec };
  } catch (error) {
    return bad((error as Error).message);
  }
}

/**
 * The key attribute's value for one record. Throws RecordError naming the field.
 * `instant` is the record's time, needed only by time keys (so records without a timestamp are fine for field keys).
 * `maxBytes` is DynamoDB's limit for this key (2048 bytes for a partition key, 1024 for a sort key): a longer value
 * fails here, naming the field, rather than as a request DynamoDB refuses.
 */
export function keyAttribute(key: KeySpec, type: KeyType, value: Record<string, unknown>, instant: Instant | undefined, maxBytes: number): AttributeValue {
  if (key.kind === 'time') return { S: key.pattern.format(instant!) };

  const field = value[key.attribute];
  const fail = (expected: string): never => {
    throw new RecordError(
      `Key field "${key.attribute}" must be ${expected}, got ${describe(field)}`,
      { field: key.attribute },
    );
  };
  switch (type) {
    case 'S':
      if (typeof field !== 'string' || field === '') fail('a non-empty string');
      // Only a long string can be over: at most 3 bytes per UTF-16 code unit.
      if ((field as string).length * 3 > maxBytes) checkKeyBytes(key.attribute, utf8ByteLength(field as string), maxBytes);
      return { S: field as string };
    case 'N':
      // DynamoDB numbers (38 digits at most) are far below any key limit.
      if (typeof field !== 'number' && typeof field !== 'bigint' && !isExactNumber(field)) fail('a number (the table declares it N)');
      return marshalValue(field, key.attribute);
    case 'B':
      if (!(field instanceof Uint8Array) || field.length === 0) fail('non-empty binary (the table declares it B)');
      checkKeyBytes(key.attribute, (field as Uint8Array).length, maxBytes);
      return { B: field as Uint8Array };
  }
}

/** Throws when a key value is over DynamoDB's limit for its key. A plain function: this runs for every record. */
function checkKeyBytes(attribute: string, bytes: number, maxBytes: number): void {
  if (bytes <= maxBytes) return;
  throw new RecordError(`Key field "${attribute}" is ${bytes} bytes, over DynamoDB's limit of ${maxBytes} bytes for this key`, { field: attribute });
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

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { encodeInput } from './json-protocol.js';

/*
 * What to send for a prepared record: the request shapes of the write semantics, written as DynamoDB's JSON text
 * (the transport sends it as it is, or hands the SDK its input shape). Pure functions: no I/O, no options.
 * BatchWriteItem has no conditions and no updates, so guarded writes and updates go as single-item calls.
 */

/** A single-item call and its input, as JSON text. */
export interface SingleRequest {
  readonly operation: 'PutItem' | 'DeleteItem' | 'UpdateItem';
  readonly body: string;
}

/** An attribute value (say a key the key specs made) as JSON. */
export function attributeJson(value: AttributeValue): string {
  // Keys, versions and expiry times are strings and numbers: no need for the general path.
  if (value.S !== undefined) return `{"S":${JSON.stringify(value.S)}}`;
  if (value.N !== undefined) return `{"N":${JSON.stringify(value.N)}}`;
  return encodeInput(value);
}

/** Attributes as the members of a JSON object: `"name":{"S":"x"},...`. */
export function fieldsJson(attributes: Record<string, AttributeValue>): string {
  let out = '';
  for (const name in attributes) {
    const field = quotedName(name) + attributeJson(attributes[name]!);
    out = out === '' ? field : `${out},${field}`;
  }
  return out;
}

/** Records repeat their attribute names: each is quoted once, for the first few thousand names met. */
const quoted = new Map<string, string>();
const MAX_QUOTED = 4096;

/** `"name":`, JSON-escaped. */
export function quotedName(name: string): string {
  let text = quoted.get(name);
  if (text === undefined) {
    text = `${JSON.stringify(name)}:`;
    if (quoted.size < MAX_QUOTED) quoted.set(name, text);
  }
  return text;
}

/** DynamoDB's limits on an expression: its length, and the operators in it (each `=` of a SET counts). */
export const MAX_EXPRESSION_BYTES = 4096;
export const MAX_EXPRESSION_OPERATORS = 300;

/**
 * Applied only when no item holds the key, the stored item has no version, or its version is lower: equal versions
 * leave the stored item (replays are idempotent), and an unversioned item counts as older than any version.
 */
const GUARD = 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v';

export interface Guard {
  /** The partition key attribute: absent means no item for this key. */
  readonly keyAttribute: string;
  readonly versionAttribute: string;
  readonly version: AttributeValue;
}

/** Which consumed capacity to ask for; NONE (DynamoDB's default) leaves the member out. */
type Capacity = 'INDEXES' | 'TOTAL' | 'NONE';

const capacityJson = (capacity: Capacity): string => (capacity === 'NONE' ? '' : `,"ReturnConsumedCapacity":"${capacity}"`);

/** A BatchWriteItem body from prepared WriteRequests (JSON text), grouped by table; and the tables in it. */
export function batchWriteBody(
  writes: readonly { readonly table: string; readonly batch: string | undefined }[],
  capacity: Capacity,
): { body: string; tables: string[] } {
  const byTable = new Map<string, string>();
  for (const { table, batch } of writes) {
    const joined = byTable.get(table);
    byTable.set(table, joined === undefined ? batch! : `${joined},${batch}`);
  }
  let body = '';
  for (const [table, requests] of byTable) body += `${body === '' ? '' : ','}${JSON.stringify(table)}:[${requests}]`;
  return { body: `{"RequestItems":{${body}}${capacityJson(capacity)}}`, tables: [...byTable.keys()] };
}

/** A single-item call's body, asking for consumed capacity. */
export const singleBody = (request: SingleRequest, capacity: Capacity): string =>
  capacity === 'NONE' ? request.body : `${request.body.slice(0, -1)}${capacityJson(capacity)}}`;

/**
 * The text in one piece. Joined strings are trees of their parts (V8's cons strings); a request's text lives until
 * DynamoDB answers, and a tree of dozens of small strings per item, kept that long, is what the garbage collector
 * spends its time copying (measured: 20,000 item texts kept as trees cost 5x the CPU of the same kept flat). Reading
 * a character makes V8 flatten the tree into one string.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** `item` and `key`: JSON objects (`{...}`). */
export const putRequest = (item: string): string => flat(`{"PutRequest":{"Item":${item}}}`);
export const deleteRequest = (key: string): string => flat(`{"DeleteRequest":{"Key":${key}}}`);

export function guardedPut(table: string, item: string, guard: Guard): SingleRequest {
  return { operation: 'PutItem', body: flat(`{"TableName":${JSON.stringify(table)},"Item":${item},${guardJson(guard, '', '')}}`) };
}

export function guardedDelete(table: string, key: string, guard: Guard): SingleRequest {
  return { operation: 'DeleteItem', body: flat(`{"TableName":${JSON.stringify(table)},"Key":${key},${guardJson(guard, '', '')}}`) };
}

/**
 * Sets each of `names` to its `values` JSON (never a key attribute: DynamoDB refuses those) and removes `remove` (a
 * tombstone's marker); names and values always go through placeholders, so reserved words and odd characters are
 * fine. Returns undefined when the expression would be over DynamoDB's limits.
 */
export function updateRequest(
  table: string,
  key: string,
  names: readonly string[],
  values: readonly string[],
  remove: string | undefined,
  guard: Guard | undefined,
): SingleRequest | undefined {
  if (names.length > MAX_EXPRESSION_OPERATORS) return undefined;
  let expression = '';
  let nameJson = '';
  let valueJson = '';
  for (let index = 0; index < names.length; index++) {
    const comma = index === 0 ? '' : ',';
    expression += `${index === 0 ? 'SET ' : ', '}#a${index} = :a${index}`;
    nameJson += `${comma}"#a${index}":${JSON.stringify(names[index])}`;
    valueJson += `${comma}":a${index}":${values[index]}`;
  }
  if (remove !== undefined) {
    expression += `${expression ? ' ' : ''}REMOVE #t`;
    nameJson += `${nameJson ? ',' : ''}"#t":${JSON.stringify(remove)}`;
  }
  if (expression.length > MAX_EXPRESSION_BYTES) return undefined;
  let body = `{"TableName":${JSON.stringify(table)},"Key":${key}`;
  if (expression) body += `,"UpdateExpression":${JSON.stringify(expression)}`;
  if (guard) body += `,${guardJson(guard, nameJson, valueJson)}`;
  else {
    if (nameJson) body += `,"ExpressionAttributeNames":{${nameJson}}`;
    if (valueJson) body += `,"ExpressionAttributeValues":{${valueJson}}`;
  }
  return { operation: 'UpdateItem', body: flat(`${body}}`) };
}

/** The guard's condition, names and values, with `names` and `values` (JSON members) of an update joined to them. */
function guardJson(guard: Guard, names: string, values: string): string {
  return (
    `"ConditionExpression":"${GUARD}",` +
    `"ExpressionAttributeNames":{${names ? `${names},` : ''}"#k":${JSON.stringify(guard.keyAttribute)},"#v":${JSON.stringify(guard.versionAttribute)}},` +
    `"ExpressionAttributeValues":{${values ? `${values},` : ''}":v":${attributeJson(guard.version)}}`
  );
}

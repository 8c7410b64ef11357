import { Buffer } from 'node:buffer';

/*
 * DynamoDB's JSON protocol (awsJson1_0) for the operations the sink uses: inputs are the SDK's input shapes written
 * with JSON.stringify (or written as JSON text from the start: see marshal.ts), outputs are JSON.parse'd into the SDK's
 * output shapes. The two places where the SDK's shapes are
 * not plain JSON: binary attributes (`B`, `BS`: Uint8Array in the SDK, base64 on the wire) and timestamps
 * (`...DateTime`: Date in the SDK, epoch seconds on the wire).
 */

/** The request body for `input`, as the SDK would write it: binaries as base64, undefined fields left out. */
export function encodeInput(input: object): string {
  const json = JSON.stringify(input);
  // A Uint8Array (or Buffer) goes through JSON.stringify as an object: `"B":{"0":1,...}` or `"B":{"type":"Buffer",...}`.
  // So without `B":{` or `BS":[{` in the text there is no binary (most items): one pass. A match may also be an
  // attribute whose name ends in B holding an object; then the replacer pass finds nothing to change, at some cost.
  // (Searching from the quote is 60x slower: V8 tries every quote of the text as a start.)
  if (!json.includes('B":{') && !json.includes('BS":[{')) return json;
  return JSON.stringify(input, binaryAsBase64);
}

// JSON.stringify has already called Buffer's toJSON by the time a replacer sees the value: read the holder instead.
function binaryAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (ArrayBuffer.isView(raw)) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('base64');
  return value;
}

/** The SDK's input shape of a request body written as JSON text (for a transport that sends SDK commands). */
export function decodeInput(text: string): Record<string, unknown> {
  return hasBinary(text) ? (JSON.parse(text, binaryReviver) as Record<string, unknown>) : (JSON.parse(text) as Record<string, unknown>);
}

// An attribute value's `B` or `BS` key: anywhere else in DynamoDB's shapes a key `B` holds an object (an attribute
// named B inside an item or map), never a string or an array.
const hasBinary = (text: string): boolean => text.includes('B":"') || text.includes('BS":[');

/** Operations whose output describes a table: their `...DateTime` fields are epoch seconds, Date in the SDK. */
const TABLE_OPERATIONS = new Set(['DescribeTable', 'CreateTable']);

/**
 * Parses a response body into the SDK's output shape for `operation`. Binary attribute values (in UnprocessedItems,
 * returned Attributes) come back as Uint8Array, table timestamps as Date, as the SDK hands them over.
 */
export function decodeOutput(operation: string, text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  // Most answers are `{"UnprocessedItems":{}}` or `{}`: no reviver, which would run for every key.
  if (TABLE_OPERATIONS.has(operation)) return JSON.parse(text, tableReviver) as Record<string, unknown>;
  if (hasBinary(text)) return JSON.parse(text, binaryReviver) as Record<string, unknown>;
  return JSON.parse(text) as Record<string, unknown>;
}

function binaryReviver(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return fromBase64(value);
  if (key === 'BS' && Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? fromBase64(v) : v));
  return value;
}

function tableReviver(key: string, value: unknown): unknown {
  if (typeof value === 'number' && key.endsWith('DateTime')) return new Date(Math.round(value * 1000));
  return binaryReviver(key, value);
}

/** Binary as DynamoDB's JSON carries it. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

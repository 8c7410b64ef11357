import { createReadStream } from 'node:fs';
import { ConfigError, parseJson, type SinkRecord } from '@dynamo-sink/core';
import { invalidRecord, type InvalidRecord } from '../invalid-record.js';
import { describe } from '../options.js';
import type { ItemGroup } from '../source.js';
import { splitLines } from './lines.js';

/** A JSON object read from a line: its fields become the item's attributes. */
export type NdjsonValue = Record<string, unknown>;

/**
 * What {@link ndjsonRecords} yields for each non-empty line: a record, or an `InvalidRecord` for a line that is not a
 * JSON object (its `record.value` is the line's text, shortened if it was too long). Both carry the 1-based line
 * number as `offset`.
 */
export type NdjsonItem = SinkRecord<NdjsonValue> | InvalidRecord<string>;

/** Where NDJSON comes from: a file path, or a stream of UTF-8 bytes or strings (`process.stdin`, a gunzip stream...). */
export type NdjsonInput = string | NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>;

/** Options of {@link ndjsonRecords}. */
export interface NdjsonOptions {
  /** The first line to read (1-based); earlier lines are skipped unparsed. To resume after a commit `c`, pass `c + 1`. @default 1 */
  readonly fromLine?: number;
  /** Longest line accepted, in characters; a longer one fails as `invalid-value` without being held in memory. @default 8_388_608 (8 Mi) */
  readonly maxLineLength?: number;
}

/** The defaults of {@link NdjsonOptions}. */
export const NDJSON_DEFAULTS = { fromLine: 1, maxLineLength: 8 * 1024 * 1024 } as const;

/**
 * Reads newline-delimited JSON, line by line (never the whole input), and yields one item per non-empty line:
 * `{ value, offset }` for a JSON object, with `offset` the 1-based line number as a string, or an `InvalidRecord`
 * naming the line for anything else (not JSON, an array, a string, a line too long), so that one bad line never
 * stops the stream. Numbers keep every digit (see core's parseJson). A UTF-8 byte order mark on line 1 is ignored.
 *
 * Options are checked when it is called; a file that cannot be read makes the iteration throw.
 */
export function ndjsonRecords(input: NdjsonInput, options: NdjsonOptions = {}): AsyncGenerator<NdjsonItem> {
  const { fromLine, maxLineLength } = resolveNdjsonOptions(input, options);
  return oneByOne(ndjsonItemGroups(input, fromLine, maxLineLength));
}

/**
 * What {@link ndjsonRecords} yields, a group of lines at a time (pipeNdjson reads these: one await per group rather
 * than per line), each item with its line number and its line's length. Each group is parsed when it is pulled.
 */
export async function* ndjsonItemGroups(input: NdjsonInput, fromLine: number, maxLineLength: number): AsyncGenerator<ItemGroup<NdjsonItem>> {
  const chunks = typeof input === 'string' ? createReadStream(input) : (input as AsyncIterable<string | Uint8Array>);
  for await (const { first, texts, tooLong } of splitLines(chunks, maxLineLength)) {
    const items: NdjsonItem[] = [];
    const positions: number[] = [];
    const bytes: number[] = [];
    for (let i = Math.max(0, fromLine - first); i < texts.length; i++) {
      const number = first + i;
      const text = texts[i]!;
      const item = tooLong?.has(i) ? lineTooLong(text, number, maxLineLength) : toItem(text, number);
      if (item === undefined) continue;
      items.push(item);
      positions.push(number);
      bytes.push(text.length);
    }
    if (items.length > 0) yield { items, positions, bytes };
  }
}

async function* oneByOne<T>(groups: AsyncGenerator<ItemGroup<T>>): AsyncGenerator<T> {
  for await (const group of groups) for (const item of group.items) yield item;
}

/** The item for one line, or undefined for a blank line. */
function toItem(line: string, number: number): NdjsonItem | undefined {
  const offset = String(number);
  const text = number === 1 && line.charCodeAt(0) === BYTE_ORDER_MARK ? line.slice(1) : line;
  if (isBlank(text)) return undefined;
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    return invalidRecord({ value: text, offset }, `line ${offset}: not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalidRecord({ value: text, offset }, `line ${offset}: expected a JSON object, got ${describe(value)}`);
  }
  return { value: value as NdjsonValue, offset };
}

function lineTooLong(start: string, number: number, maxLineLength: number): NdjsonItem {
  return invalidRecord({ value: start, offset: String(number) }, `line ${number}: longer than ${maxLineLength} characters (maxLineLength)`);
}

const BYTE_ORDER_MARK = 0xfeff;

/** Empty, or JSON whitespace only. Checked cheaply: a line that starts with `{` is not blank. */
function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  return (first === 0x20 || first === 0x09 || first === 0x0d) && text.trim().length === 0;
}

export function resolveNdjsonOptions(input: unknown, options: NdjsonOptions | undefined): Required<NdjsonOptions> {
  const isStream = typeof input === 'object' && input !== null && typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  if (!(typeof input === 'string' && input.length > 0) && !isStream) {
    throw new ConfigError(`Expected the NDJSON input to be a file path or a readable stream, got ${describe(input)}`);
  }
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new ConfigError(`Expected NDJSON options to be an object, got ${describe(options)}`);
  return {
    fromLine: positiveWhole('fromLine', options.fromLine, NDJSON_DEFAULTS.fromLine),
    maxLineLength: positiveWhole('maxLineLength', options.maxLineLength, NDJSON_DEFAULTS.maxLineLength),
  };
}

function positiveWhole(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`Expected \`${name}\` to be a whole number >= 1, got ${describe(value)}`);
  }
  return value;
}

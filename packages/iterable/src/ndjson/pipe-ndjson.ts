import { RecordError, type Sink } from '@dynamo-sink/core';
import type { PipeOptions, SourceFailure } from '../options.js';
import type { PipeResult } from '../pipe-result.js';
import { pipeGroupsToSink } from '../pipe-to-sink.js';
import type { ItemGroup } from '../source.js';
import { ndjsonItemGroups, resolveNdjsonOptions, type NdjsonInput, type NdjsonItem, type NdjsonOptions, type NdjsonValue } from './ndjson-records.js';

/**
 * Options of {@link pipeNdjson}: those of `pipeToSink` (but positions are line numbers) and of `ndjsonRecords`.
 * `onCommit` receives a line number (a bigint): every line up to it is written or failed; resume with `fromLine: Number(line) + 1`.
 * `onFailure` receives failures whose `record.offset` is the line number and whose message starts with `line N:`;
 * for a line that is not a JSON object, `record.value` is the line's text.
 */
export type NdjsonPipeOptions = Omit<PipeOptions<NdjsonItem, unknown>, 'toRecord' | 'positionOf'> & NdjsonOptions;

/**
 * Writes a file or stream of JSON lines into `sink`: the items of {@link ndjsonRecords}, piped as {@link pipeToSink} pipes.
 * Every failure names its line; a bad line fails alone (`invalid-value`) and never stops the stream.
 * Resolves with the totals; `committed` is a line number, as a decimal string (`fromLine: Number(totals.committed) + 1` resumes after it).
 *
 * @example
 * const totals = await pipeNdjson('events.ndjson', sink, { onFailure: (f) => console.warn(f.error.message) });
 */
export function pipeNdjson(input: NdjsonInput, sink: Sink<NdjsonValue>, options: NdjsonPipeOptions = {}): Promise<PipeResult> {
  let groups: AsyncGenerator<ItemGroup<NdjsonItem>>;
  try {
    const { fromLine, maxLineLength } = resolveNdjsonOptions(input, options);
    groups = ndjsonItemGroups(input, fromLine, maxLineLength);
  } catch (error) {
    return Promise.reject(error);
  }
  const { onFailure } = options;
  return pipeGroupsToSink<NdjsonItem, unknown>(groups, sink as Sink<unknown>, {
    ...withoutNdjsonOptions(options),
    ...(onFailure ? { onFailure: (failure: SourceFailure<unknown>) => onFailure(namingTheLine(failure)) } : {}),
  });
}

/** The sink's failures name a field, not a line: put the line first in the message. */
function namingTheLine(failure: SourceFailure<unknown>): SourceFailure<unknown> {
  const prefix = `line ${failure.record.offset}: `;
  if (failure.error.message.startsWith(prefix)) return failure;
  const error = new RecordError(prefix + failure.error.message, { ...(failure.field === undefined ? {} : { field: failure.field }), cause: failure.error });
  return { ...failure, error };
}

/** The pipe's own options: lines are the records and line numbers the positions, whatever an untyped caller passed. */
function withoutNdjsonOptions(options: NdjsonPipeOptions): PipeOptions<NdjsonItem, unknown> {
  const { fromLine: _fromLine, maxLineLength: _maxLineLength, toRecord: _toRecord, positionOf: _positionOf, ...rest } = options as PipeOptions<NdjsonItem, unknown> & NdjsonOptions;
  return rest;
}

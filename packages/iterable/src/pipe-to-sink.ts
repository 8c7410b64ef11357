import { ConfigError, type Sink, type SinkRecord } from '@dynamo-sink/core';
import type { InvalidRecord } from './invalid-record.js';
import { describe, resolvePipeOptions, type PipeOptions, type ResolvedPipeOptions } from './options.js';
import type { PipeResult } from './pipe-result.js';
import { PipeRun } from './pipe-run.js';
import { openSource, type ItemGroup, type Source } from './source.js';

/**
 * Writes every item of `source` into `sink`, at least once, with bounded memory.
 *
 * - Records go to `sink.write` in batches (`batchSize`, `maxBatchBytes`, `lingerMs`), up to `maxWritesInFlight` at once.
 * - The source is never pulled more than `maxPending` records ahead of what is written or failed.
 * - A `SinkBackpressureError` pauses writing for its `retryAfterMs`; the same records are handed over again.
 * - Failed records go to `onFailure`; `onCommit` receives the position up to which everything is settled.
 * - `signal` stops it: nothing more is pulled or sent, writes in flight finish, and it resolves with the totals.
 *   The source's iterator is closed (`return()`) whenever the pipe stops before the source's end.
 *
 * Resolves with the totals once the source is exhausted (or the signal aborted) and every write has ended.
 * Rejects with a `PipeError` (totals, `unwritten` records, `cause`) when writing cannot go on: a `WriteError` or any
 * other error from the sink, the source, or a callback; writes in flight are let settle first. Bad options or a
 * source that is not iterable reject with a `ConfigError` before anything is pulled. The sink is neither opened
 * nor closed here: it is yours.
 *
 * @example
 * const sink = new DynamoSink({ tableName: 'events', partitionKey: 'id', clientConfig: {} });
 * const totals = await pipeToSink(records, sink, { onCommit: (position) => saveCheckpoint(position) });
 * await sink.close();
 */
export function pipeToSink<V>(
  source: Source<SinkRecord<V> | InvalidRecord<V>>,
  sink: Sink<V>,
  options?: PipeOptions<SinkRecord<V> | InvalidRecord<V>, V>,
): Promise<PipeResult>;
export function pipeToSink<T, V>(
  source: Source<T>,
  sink: Sink<V>,
  options: PipeOptions<T, V> & { readonly toRecord: NonNullable<PipeOptions<T, V>['toRecord']> },
): Promise<PipeResult>;
export async function pipeToSink<T, V>(source: Source<T>, sink: Sink<V>, options?: PipeOptions<T, V>): Promise<PipeResult> {
  const resolved = resolveOptions(sink, options);
  return new PipeRun({ iterator: openSource(source), grouped: false }, sink, resolved).run();
}

/** `pipeToSink` for a source read in groups of items that know their positions and sizes (pipeNdjson's). */
export async function pipeGroupsToSink<T, V>(groups: AsyncIterator<ItemGroup<T>>, sink: Sink<V>, options: PipeOptions<T, V>): Promise<PipeResult> {
  const resolved = resolveOptions(sink, options);
  return new PipeRun({ iterator: groups, grouped: true }, sink, resolved).run();
}

function resolveOptions<T, V>(sink: Sink<V>, options: PipeOptions<T, V> | undefined): ResolvedPipeOptions<T, V> {
  const resolved = resolvePipeOptions(options);
  if (typeof sink !== 'object' || sink === null || typeof sink.write !== 'function') {
    throw new ConfigError(`Expected \`sink\` to be a Sink with a write(records) method, got ${describe(sink)}`);
  }
  return resolved;
}

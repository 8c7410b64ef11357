import { ConfigError, type RecordFailure, type SinkRecord } from '@dynamo-sink/core';
import { InvalidRecord } from './invalid-record.js';

/** A failed record as `pipeToSink` reports it: the sink's failure plus where the record came from. */
export interface SourceFailure<V = unknown> extends RecordFailure<V> {
  /** The record's 0-based index in the source. (`index` is its position in the `write` call that failed it; for an `InvalidRecord`, the source index too.) */
  readonly sourceIndex: number;
}

/** Options of {@link pipeToSink}. Every number is checked when the call is made. */
export interface PipeOptions<T = unknown, V = unknown> {
  /**
   * Turns a source item into the record to write. Return an {@link InvalidRecord} to report an item as failed without
   * writing it. Without it, the items must be `SinkRecord`s (or `InvalidRecord`s) already.
   * @default the item itself
   */
  readonly toRecord?: (item: T, index: number) => SinkRecord<V> | InvalidRecord<V>;
  /**
   * The source's position of an item, reported through `onCommit`: a bigint that grows with every item (a line number,
   * an offset). Gaps are fine.
   * @default BigInt(index), the item's 0-based index
   */
  readonly positionOf?: (item: T, index: number) => bigint;
  /** Records per `write` call, at most (1,000: fewer, fuller calls cost a DynamoSink less per record). @default 1000 */
  readonly batchSize?: number;
  /** Estimated bytes per `write` call, at most (a single larger record goes alone). @default 4_194_304 (4 MiB) */
  readonly maxBatchBytes?: number;
  /**
   * A partial batch is written once no new record came for this long, in ms. (A source that trickles faster than
   * this fills batches up to `batchSize`; lower it when latency matters more than batch size.) @default 50
   */
  readonly lingerMs?: number;
  /** `write` calls running at once. @default 16 */
  readonly maxWritesInFlight?: number;
  /**
   * Records read from the source and not yet written or failed, at most: the source is not pulled beyond this,
   * which keeps memory flat however long the source is. At least `batchSize`. @default 10_000 (or `batchSize`, if larger)
   */
  readonly maxPending?: number;
  /**
   * Stops the pipe: nothing more is pulled or handed to the sink, writes in flight finish, and it resolves with the
   * totals. Records read but not yet handed to the sink are not written (nor committed). @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Receives each record that failed for good (the sink's `failed`, or an `InvalidRecord`). Awaited before the record
   * counts as done for `onCommit`: a dead-letter producer can make it durable first. Calls for different writes may
   * overlap when it returns a promise. If it throws, the pipe stops and rejects. Without it, failures are only counted.
   * @default undefined
   */
  readonly onFailure?: (failure: SourceFailure<V>) => void | Promise<void>;
  /**
   * Called with the position (see `positionOf`) up to which every record is written or failed and handed to
   * `onFailure`: the checkpoint to persist and resume after. Positions only grow. Calls never overlap: while one
   * is running (if it returns a promise) later positions wait, and only the newest is reported next.
   * @default undefined
   */
  readonly onCommit?: (position: bigint) => void | Promise<void>;
}

/** {@link PipeOptions} with every default filled in. */
export interface ResolvedPipeOptions<T, V> {
  readonly toRecord: ((item: T, index: number) => SinkRecord<V> | InvalidRecord<V>) | undefined;
  readonly positionOf: ((item: T, index: number) => bigint) | undefined;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly lingerMs: number;
  readonly maxWritesInFlight: number;
  readonly maxPending: number;
  readonly signal: AbortSignal | undefined;
  readonly onFailure: ((failure: SourceFailure<V>) => void | Promise<void>) | undefined;
  readonly onCommit: ((position: bigint) => void | Promise<void>) | undefined;
}

/** The defaults, in one place. */
export const PIPE_DEFAULTS = {
  batchSize: 1000,
  maxBatchBytes: 4 * 1024 * 1024,
  lingerMs: 50,
  maxWritesInFlight: 16,
  maxPending: 10_000,
} as const;

/** Fills in defaults and rejects bad options with a `ConfigError` that says what was expected. */
export function resolvePipeOptions<T, V>(options: PipeOptions<T, V> | undefined): ResolvedPipeOptions<T, V> {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new ConfigError(`Expected pipe options to be an object, got ${describe(options)}`);
  const batchSize = wholeNumber('batchSize', options.batchSize, PIPE_DEFAULTS.batchSize, 1);
  const resolved: ResolvedPipeOptions<T, V> = {
    toRecord: optionalFunction('toRecord', options.toRecord),
    positionOf: optionalFunction('positionOf', options.positionOf),
    batchSize,
    maxBatchBytes: wholeNumber('maxBatchBytes', options.maxBatchBytes, PIPE_DEFAULTS.maxBatchBytes, 1),
    lingerMs: finiteNumber('lingerMs', options.lingerMs, PIPE_DEFAULTS.lingerMs),
    maxWritesInFlight: wholeNumber('maxWritesInFlight', options.maxWritesInFlight, PIPE_DEFAULTS.maxWritesInFlight, 1),
    // A full batch must fit in what may be pending, or batches would only ever leave by linger.
    maxPending: wholeNumber('maxPending', options.maxPending, Math.max(PIPE_DEFAULTS.maxPending, batchSize), batchSize, '`batchSize`'),
    signal: abortSignal(options.signal),
    onFailure: optionalFunction('onFailure', options.onFailure),
    onCommit: optionalFunction('onCommit', options.onCommit),
  };
  return resolved;
}

/** `minLabel` names where the minimum comes from, when it is another option. */
function wholeNumber(name: string, value: unknown, fallback: number, min: number, minLabel?: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const bound = minLabel === undefined ? String(min) : `${minLabel} (${min})`;
    throw new ConfigError(`Expected \`${name}\` to be a whole number >= ${bound}, got ${describe(value)}`);
  }
  return value;
}

function finiteNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`Expected \`${name}\` to be a finite number >= 0 (milliseconds), got ${describe(value)}`);
  }
  return value;
}

function optionalFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  return value;
}

function abortSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new ConfigError(`Expected \`signal\` to be an AbortSignal, got ${describe(value)}`);
  return value;
}

/** Names a bad value in a message without dumping it. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default: {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
    }
  }
}

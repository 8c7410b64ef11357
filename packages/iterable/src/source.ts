import { ConfigError } from '@dynamo-sink/core';
import { describe } from './options.js';

/**
 * Where an item sits in its source. `positionOf` gives bigints; the pipe's own positions (an item's index, an NDJSON
 * line number) are numbers, which cost no allocation per item, and become bigints only when reported to `onCommit`.
 */
export type Position = bigint | number;

/** Anything `pipeToSink` can read: an async iterable (a Node `Readable` in object mode included) or an iterable. */
export type Source<T> = AsyncIterable<T> | Iterable<T>;

/**
 * Items a source read at once, with what it already knows of each: its position and its size in bytes (pipeNdjson:
 * the line number and the line's length), so the pipe need neither ask `positionOf` nor walk the value to size it.
 */
export interface ItemGroup<T> {
  readonly items: readonly T[];
  readonly positions: readonly Position[];
  readonly bytes: readonly number[];
}

/** The source's iterator, async either way. Throws a ConfigError for anything that is not an iterable of items. */
export function openSource<T>(source: Source<T>): AsyncIterator<T> {
  if (typeof source === 'string') {
    throw new ConfigError('Expected `source` to be an iterable of items, got a string (to read a file of JSON lines, use pipeNdjson)');
  }
  if (typeof source === 'object' && source !== null) {
    const asyncIterable = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof asyncIterable === 'function') return asyncIterable.call(source);
    const iterable = (source as Iterable<T>)[Symbol.iterator];
    if (typeof iterable === 'function') return fromSyncIterator(iterable.call(source));
  }
  throw new ConfigError(`Expected \`source\` to be an AsyncIterable or an Iterable, got ${describe(source)}`);
}

function fromSyncIterator<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: () => {
      try {
        return Promise.resolve(iterator.next());
      } catch (error) {
        return Promise.reject(error);
      }
    },
    return: (value?: unknown) => Promise.resolve(iterator.return?.(value) ?? { done: true, value: undefined }),
  };
}

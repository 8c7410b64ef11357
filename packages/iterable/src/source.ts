import { ConfigError } from '@dynamo-sink/core';
import { describe } from './options.js';

/** Anything `pipeToSink` can read: an async iterable (a Node `Readable` in object mode included) or an iterable. */
export type Source<T> = AsyncIterable<T> | Iterable<T>;

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

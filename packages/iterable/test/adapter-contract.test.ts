/**
 * The adapter conformance suite from @dynamo-sink/core/testing, run over both entry points: `pipeToSink` with a
 * JSON `toRecord`, and `pipeNdjson` over the messages as lines. One partition, '0'; positions are message indexes
 * (for pipeNdjson, line numbers are indexes + 1: the harness converts).
 */
import { Readable } from 'node:stream';
import { describe, it } from 'vitest';
import type { Sink } from '@dynamo-sink/core';
import { testAdapter, type AdapterDeadLetter, type AdapterRunResult } from '@dynamo-sink/core/testing';
import { invalidRecord, PipeError, pipeNdjson, pipeToSink, type PipeResult, type SourceFailure } from '../src/index.js';

/** Small writes, several in flight: the suite's ordering tests need writes that overlap. */
const WRITES = { batchSize: 3, maxWritesInFlight: 3, lingerMs: 1 } as const;

/**
 * The run's totals or its PipeError, as the suite's result. `toNext` turns a reported position into the next index to
 * read; `committed` comes as a decimal string (JSON-safe), the position as a bigint.
 */
async function outcome(piping: Promise<PipeResult>, toNext: (position: bigint) => bigint): Promise<AdapterRunResult> {
  const committedMap = (committed: string | undefined) => new Map(committed === undefined ? [] : [['0', toNext(BigInt(committed))] as const]);
  try {
    return { committed: committedMap((await piping).committed) };
  } catch (error) {
    if (!(error instanceof PipeError)) throw error;
    return { committed: committedMap(error.totals.committed), error };
  }
}

testAdapter({
  runner: { describe, it },
  name: 'pipeToSink',
  stopsWithoutDeadLetterHandler: false,
  run({ sink, messages, onDeadLetter, onCommit, signal }) {
    const undecodable = new Set<number>();
    const piping = pipeToSink(messages, sink, {
      ...WRITES,
      signal,
      toRecord(text, index) {
        try {
          return { value: JSON.parse(text) as unknown, offset: String(index) };
        } catch (error) {
          undecodable.add(index);
          return invalidRecord({ value: text, offset: String(index) }, `message ${index}: not JSON: ${(error as Error).message}`);
        }
      },
      ...(onDeadLetter && {
        onFailure: (failure: SourceFailure<unknown>) =>
          onDeadLetter(
            undecodable.has(failure.sourceIndex)
              ? { index: failure.sourceIndex, reason: 'invalid-message', error: failure.error }
              : { index: failure.sourceIndex, reason: failure.reason, error: failure.error, record: failure.record },
          ),
      }),
      onCommit: (position) => onCommit('0', position + 1n),
    });
    return outcome(piping, (position) => position + 1n);
  },
});

testAdapter({
  runner: { describe, it },
  name: 'pipeNdjson',
  stopsWithoutDeadLetterHandler: false,
  run({ sink, messages, onDeadLetter, onCommit, signal }) {
    // Line n holds message n - 1; a committed line n means the next message to read is index n.
    const lines = Readable.from([messages.join('\n')]);
    const toDeadLetter = (failure: SourceFailure<unknown>): AdapterDeadLetter => {
      const index = Number(failure.record.offset) - 1;
      // pipeNdjson hands over a line that is not a JSON object with its text as the value.
      return typeof failure.record.value === 'string'
        ? { index, reason: 'invalid-message', error: failure.error }
        : { index, reason: failure.reason, error: failure.error, record: failure.record };
    };
    const piping = pipeNdjson(lines, sink as Sink<Record<string, unknown>>, {
      ...WRITES,
      signal,
      ...(onDeadLetter && { onFailure: (failure: SourceFailure<unknown>) => onDeadLetter(toDeadLetter(failure)) }),
      onCommit: (line) => onCommit('0', line),
    });
    return outcome(piping, (line) => line);
  },
});

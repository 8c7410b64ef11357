import { Readable } from 'node:stream';
import { ConfigError, MemorySink, type SinkRecord } from '@dynamo-sink/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { pipeToSink, type PipeOptions, type PipeResult } from '../src/index.js';
import { estimateRecordBytes } from '../src/record-size.js';
import { ScriptedSink } from './support/scripted-sink.js';
import { numbered, numberedRecords, sleep, type Numbered, resolvedUnexpectedly } from './support/sources.js';

const ids = (records: readonly SinkRecord<{ n: number }>[]) => records.map((record) => record.value.n);
const range = (count: number) => Array.from({ length: count }, (_, n) => n);

describe('pipeToSink delivers every record, in order', () => {
  const sources: [string, (count: number) => AsyncIterable<Numbered> | Iterable<Numbered>][] = [
    ['an array', (count) => range(count).map(numbered)],
    ['a sync generator', (count) => (function* () { for (let n = 0; n < count; n++) yield numbered(n); })()],
    ['an async generator', (count) => numberedRecords(count)],
    ['a Readable in object mode', (count) => Readable.from(range(count).map(numbered), { objectMode: true })],
  ];

  it.each(sources)('from %s', async (_name, source) => {
    const sink = new MemorySink<{ id: string; n: number }>({ latencyMs: 1 });
    const totals = await pipeToSink(source(2_345), sink, { batchSize: 100 });
    expect(totals).toEqual({ read: 2_345, written: 2_345, failed: 0, committed: '2344' });
    expect(ids(sink.records)).toEqual(range(2_345));
  });

  it('maps items with toRecord, and reports positions from positionOf', async () => {
    const sink = new MemorySink<{ n: number }>();
    const commits: bigint[] = [];
    const totals = await pipeToSink([5, 6, 7], sink, {
      toRecord: (item: number, index: number) => ({ value: { n: item * 10 + index } }),
      positionOf: (item: number) => BigInt(item) * 1_000n,
      onCommit: (position) => void commits.push(position),
    });
    expect(ids(sink.records)).toEqual([50, 61, 72]);
    expect(totals.committed).toBe('7000');
    expect(commits.at(-1)).toBe(7_000n);
  });

  it('resolves with totals that JSON.stringify takes as they are: committed is a decimal string', async () => {
    const sink = new MemorySink<{ id: string; n: number }>();
    const totals = await pipeToSink(numberedRecords(12), sink, { positionOf: (_item, index) => 2n ** 64n + BigInt(index) });
    expectTypeOf<PipeResult['committed']>().toEqualTypeOf<string | undefined>();
    expect(JSON.parse(JSON.stringify(totals))).toEqual({ read: 12, written: 12, failed: 0, committed: '18446744073709551627' });
    expect(BigInt(totals.committed!)).toBe(2n ** 64n + 11n); // every digit, beyond 2^53
  });

  it('resolves at once for an empty source, writing nothing', async () => {
    const sink = new ScriptedSink([]);
    expect(await pipeToSink([], sink)).toEqual({ read: 0, written: 0, failed: 0, committed: undefined });
    expect(sink.calls).toHaveLength(0);
  });
});

describe('batching', () => {
  it('by count: batchSize records per write, the rest in the last one', async () => {
    const sink = new ScriptedSink<{ id: string; n: number }>([]);
    await pipeToSink(numberedRecords(1_050), sink, { batchSize: 100 });
    expect(sink.calls.map((call) => call.records.length)).toEqual([...Array(10).fill(100), 50]);
    expect(ids(sink.written)).toEqual(range(1_050));
  });

  it('by estimated bytes: no write over maxBatchBytes, a record larger than that goes alone', async () => {
    const payload = (size: number, n: number) => ({ value: { n, payload: 'x'.repeat(size) } });
    const records = [...range(10).map((n) => payload(10_000, n)), payload(80_000, 10), ...range(3).map((n) => payload(10_000, 11 + n))];
    const sink = new ScriptedSink<{ n: number; payload: string }>([]);
    await pipeToSink(records, sink, { maxBatchBytes: 50_000 });
    const sizes = sink.calls.map((call) => call.records.reduce((sum, record) => sum + estimateRecordBytes(record), 0));
    expect(sink.calls.map((call) => call.records.length)).toEqual([4, 4, 2, 1, 3]);
    expect(sizes.filter((size) => size > 50_000)).toEqual([sizes[3]]); // only the 80 KB record, alone
    expect(ids(sink.written)).toEqual(range(14));
  });

  it('by linger: a partial batch is written once no record came for lingerMs', async () => {
    const yielded: number[] = [];
    async function* trickle() {
      for (let n = 0; n < 3; n++) yield numbered(n);
      yielded.push(performance.now());
      await sleep(300);
      for (let n = 3; n < 5; n++) yield numbered(n);
      yielded.push(performance.now());
    }
    const sink = new ScriptedSink<{ id: string; n: number }>([]);
    await pipeToSink(trickle(), sink, { lingerMs: 40, batchSize: 100 });
    expect(sink.calls.map((call) => ids(call.records))).toEqual([[0, 1, 2], [3, 4]]);
    const waited = sink.calls[0]!.at - yielded[0]!;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(250); // well before the next records came
  });

  it('keeps maxWritesInFlight writes running at once, and no more', async () => {
    const sink = new ScriptedSink<{ id: string; n: number }>(() => ({ kind: 'write', latencyMs: 10 }));
    await pipeToSink(numberedRecords(2_000), sink, { batchSize: 50, maxWritesInFlight: 4 });
    expect(sink.maxInFlight).toBe(4);
    expect(sink.written).toHaveLength(2_000);
  });
});

describe('options are checked when the call is made', () => {
  const sink = new MemorySink();
  const cases: [string, PipeOptions, RegExp][] = [
    ['batchSize 0', { batchSize: 0 }, /Expected `batchSize` to be a whole number >= 1, got number 0/],
    ['batchSize 1.5', { batchSize: 1.5 }, /`batchSize` to be a whole number >= 1, got number 1.5/],
    ['maxBatchBytes as a string', { maxBatchBytes: '4MB' as unknown as number }, /`maxBatchBytes` to be a whole number >= 1, got the string "4MB"/],
    ['lingerMs negative', { lingerMs: -1 }, /`lingerMs` to be a finite number >= 0 \(milliseconds\), got number -1/],
    ['lingerMs Infinity', { lingerMs: Infinity }, /`lingerMs` to be a finite number >= 0/],
    ['maxWritesInFlight 0', { maxWritesInFlight: 0 }, /`maxWritesInFlight` to be a whole number >= 1, got number 0/],
    ['maxPending below batchSize', { batchSize: 500, maxPending: 100 }, /`maxPending` to be a whole number >= `batchSize` \(500\), got number 100/],
    ['signal not an AbortSignal', { signal: {} as AbortSignal }, /`signal` to be an AbortSignal, got an object/],
    ['onFailure not a function', { onFailure: 'log' as never }, /`onFailure` to be a function, got the string "log"/],
    ['onCommit not a function', { onCommit: 1 as never }, /`onCommit` to be a function, got number 1/],
    ['toRecord not a function', { toRecord: {} as never }, /`toRecord` to be a function/],
  ];

  it.each(cases)('%s', async (_name, options, message) => {
    let pulled = false;
    const source = (function* () {
      pulled = true;
      yield numbered(0);
    })();
    const error = await pipeToSink(source, sink, options).then(resolvedUnexpectedly, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(pulled).toBe(false);
  });

  it.each([
    ['a string', 'records.ndjson', /got a string \(to read a file of JSON lines, use pipeNdjson\)/],
    ['a number', 42, /`source` to be an AsyncIterable or an Iterable, got number 42/],
    ['null', null, /got null/],
  ])('refuses %s as the source', async (_name, source, message) => {
    await expect(pipeToSink(source as never, sink)).rejects.toThrow(message);
  });

  it('refuses a sink without write', async () => {
    await expect(pipeToSink([], {} as never)).rejects.toThrow('Expected `sink` to be a Sink with a write(records) method, got an object');
  });

  it('refuses items that are not records when there is no toRecord', async () => {
    await expect(pipeToSink([numbered(0), 7] as never, new MemorySink())).rejects.toThrow(
      /Expected item 1 of the source to be a SinkRecord \(\{ value, \.\.\. \}\), got number 7; pass `toRecord`/,
    );
  });
});

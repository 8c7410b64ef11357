import type { Sink, SinkRecord, WriteResult } from '../sink.js';
import { check, checkEqual, checkIsError, checkRejects } from './assertions.js';
import { requireRunner, type TestRunner } from './test-runner.js';

/** A sink under test, and a way to read back what it holds. */
export interface SinkUnderTest<V> {
  readonly sink: Sink<V>;
  /** What the destination holds now, as values (any order). */
  read(): Promise<unknown[]>;
  /** Called after each test. */
  cleanup?(): Promise<void>;
}

export interface SinkSuiteOptions<V> {
  /** Your test runner's `describe` and `it` (vitest, jest or `node:test`): the suite declares its tests with them. */
  readonly runner: TestRunner;
  readonly name: string;
  /** A fresh, empty sink for each test. */
  readonly create: () => Promise<SinkUnderTest<V>>;
  /** Turns a counter into a record this sink accepts; each `n` must give a distinct key. */
  readonly record: (n: number) => SinkRecord<V>;
  /** How a written record's value looks when read back; defaults to the record's value. */
  readonly expected?: (record: SinkRecord<V>) => unknown;
  /** A record this sink must refuse on its own, without harming its neighbours; leave out if it accepts anything. */
  readonly invalidRecord?: () => SinkRecord<V>;
  /** More tests, declared with your runner inside the suite's `describe`, with the same `create`. */
  readonly additionalTests?: (create: () => Promise<SinkUnderTest<V>>) => void;
}

/**
 * The contract every `Sink` keeps, as a suite for any test runner: call it from a test file with your runner's
 * `describe` and `it`. It asserts with `node:assert`, so it needs nothing else from the runner. Seven tests: write
 * and read back, an empty write, concurrent writes, `open`/`close` twice, `close` waiting for writes in flight,
 * refusal after `close`, and (with `invalidRecord`) a bad record failing alone.
 *
 * @example
 * import { describe, it } from 'vitest';   // or '@jest/globals', or 'node:test'
 * import { MemorySink } from '@dynamo-sink/core';
 * import { testSink } from '@dynamo-sink/core/testing';
 *
 * testSink({
 *   runner: { describe, it },
 *   name: 'MemorySink',
 *   create: async () => { const sink = new MemorySink(); return { sink, read: async () => sink.records.map((r) => r.value) }; },
 *   record: (n) => ({ value: { id: `r${n}` } }),
 * });
 */
export function testSink<V>(options: SinkSuiteOptions<V>): void {
  const { describe, it } = requireRunner(options.runner, 'testSink');
  const expected = options.expected ?? ((record: SinkRecord<V>) => record.value);
  const records = (count: number, from = 0) => Array.from({ length: count }, (_, i) => options.record(from + i));
  /** Checks that the destination holds exactly these records' values. */
  const checkHolds = async (read: () => Promise<unknown[]>, written: readonly SinkRecord<V>[], what: string) =>
    checkEqual(sortJson(await read()), sortJson(written.map(expected)), `${what}: read() must give back the written values (compared as sorted JSON)`);

  const withSink = (test: (subject: SinkUnderTest<V>) => Promise<void>) => async () => {
    const subject = await options.create();
    try {
      await test(subject);
    } finally {
      await subject.sink.close?.();
      await subject.cleanup?.();
    }
  };

  describe(`Sink contract: ${options.name}`, () => {
    it('writes every record and resolves with the count', withSink(async ({ sink, read }) => {
      const batch = records(60);
      checkAllWritten(await sink.write(batch), 60, 'write() of 60 records');
      await checkHolds(read, batch, 'after writing 60 records');
    }));

    it('resolves an empty write at once', withSink(async ({ sink, read }) => {
      checkAllWritten(await sink.write([]), 0, 'write([])');
      checkEqual(Array.from(await read()), [], 'after write([]), read() must give nothing back');
    }));

    it('takes concurrent writes', withSink(async ({ sink, read }) => {
      const batches = [records(30, 0), records(30, 100), records(30, 200)];
      const results = await Promise.all(batches.map((batch) => sink.write(batch)));
      results.forEach((result, i) => checkAllWritten(result, 30, `concurrent write() ${i + 1} of 3, 30 records each`));
      await checkHolds(read, batches.flat(), 'after three concurrent writes');
    }));

    it('lets open() and close() be called twice', withSink(async ({ sink }) => {
      await sink.open?.();
      await sink.open?.();
      await sink.write(records(1));
      await sink.close?.();
      await sink.close?.();
    }));

    it('finishes writes in flight before close() resolves', withSink(async ({ sink, read }) => {
      const batch = records(40);
      const writing = sink.write(batch);
      await sink.close?.();
      await checkHolds(read, batch, 'once close() resolved, with a write of 40 records in flight when it was called');
      checkAllWritten(await writing, 40, 'the write in flight during close()');
    }));

    it('refuses writes after close()', withSink(async ({ sink }) => {
      if (!sink.close) return;
      await sink.close();
      await checkRejects(sink.write(records(1)), /closed/, 'write() after close() must reject with an error saying the sink is closed');
    }));

    if (options.invalidRecord) {
      const invalid = options.invalidRecord;
      it('fails a bad record alone, with its index, and writes its neighbours', withSink(async ({ sink, read }) => {
        const batch = [options.record(1), invalid(), options.record(2)];
        const result = await sink.write(batch);
        check(result.written === 2, `write() of [good, invalidRecord(), good] must write the 2 good records; written: ${result.written}`);
        check(result.failed.length === 1, `write() of [good, invalidRecord(), good] must fail exactly the bad record; failed: ${result.failed.length}`);
        const failure = result.failed[0]!;
        check(failure.index === 1, `the failure must carry the bad record's index in the call, 1; got ${failure.index}`);
        checkEqual(failure.record, batch[1], 'the failure must carry the bad record');
        checkIsError(failure.error, 'the failure must carry an Error');
        await checkHolds(read, [batch[0]!, batch[2]!], 'after a write with one bad record');
      }));
    }

    options.additionalTests?.(options.create);
  });
}

/** Every record written: none stale, none failed. */
function checkAllWritten(result: WriteResult<unknown>, count: number, what: string): void {
  const failed = Array.from(result.failed, (failure) => `record ${failure.index}: ${failure.reason}: ${failure.error.message}`);
  checkEqual({ written: result.written, stale: result.stale ?? 0, failed }, { written: count, stale: 0, failed: [] }, `${what} must resolve with every record written`);
}

/**
 * Compares values regardless of their order and of the order of their fields. (`Array.from`, not `map`: the array
 * is then this realm's, whichever realm `values` came from, and compares equal to the one built here.)
 */
function sortJson(values: readonly unknown[]): string[] {
  return Array.from(values, canonical).sort();
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

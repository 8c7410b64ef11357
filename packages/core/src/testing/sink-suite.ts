import { describe, expect, it } from 'vitest';
import type { Sink, SinkRecord } from '../sink.js';

/** A sink under test, and a way to read back what it holds. */
export interface SinkUnderTest<V> {
  readonly sink: Sink<V>;
  /** What the destination holds now, as values (any order). */
  read(): Promise<unknown[]>;
  /** Called after each test. */
  cleanup?(): Promise<void>;
}

export interface SinkSuiteOptions<V> {
  readonly name: string;
  /** A fresh, empty sink for each test. */
  readonly create: () => Promise<SinkUnderTest<V>>;
  /** Turns a counter into a record this sink accepts; each `n` must give a distinct key. */
  readonly record: (n: number) => SinkRecord<V>;
  /** How a written record's value looks when read back; defaults to the record's value. */
  readonly expected?: (record: SinkRecord<V>) => unknown;
  /** A record this sink must refuse on its own, without harming its neighbours; leave out if it accepts anything. */
  readonly invalidRecord?: () => SinkRecord<V>;
  /** More tests, run with the same `create`. */
  readonly additionalTests?: (create: () => Promise<SinkUnderTest<V>>) => void;
}

/**
 * The contract every `Sink` keeps, as a vitest suite: call it from a test file.
 *
 * @example
 * testSink({ name: 'MemorySink', create: async () => { const sink = new MemorySink(); return { sink, read: async () => sink.records.map((r) => r.value) }; }, record: (n) => ({ value: { id: `r${n}` } }) });
 */
export function testSink<V>(options: SinkSuiteOptions<V>): void {
  const expected = options.expected ?? ((record: SinkRecord<V>) => record.value);
  const records = (count: number, from = 0) => Array.from({ length: count }, (_, i) => options.record(from + i));

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
      const result = await sink.write(batch);
      expect(result).toEqual({ written: 60, failed: [] });
      expect(sortJson(await read())).toEqual(sortJson(batch.map(expected)));
    }));

    it('resolves an empty write at once', withSink(async ({ sink, read }) => {
      expect(await sink.write([])).toEqual({ written: 0, failed: [] });
      expect(await read()).toEqual([]);
    }));

    it('takes concurrent writes', withSink(async ({ sink, read }) => {
      const batches = [records(30, 0), records(30, 100), records(30, 200)];
      const results = await Promise.all(batches.map((batch) => sink.write(batch)));
      expect(results.map((result) => result.written)).toEqual([30, 30, 30]);
      expect(sortJson(await read())).toEqual(sortJson(batches.flat().map(expected)));
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
      expect(sortJson(await read())).toEqual(sortJson(batch.map(expected)));
      await expect(writing).resolves.toEqual({ written: 40, failed: [] });
    }));

    it('refuses writes after close()', withSink(async ({ sink }) => {
      if (!sink.close) return;
      await sink.close();
      await expect(sink.write(records(1))).rejects.toThrow(/closed/);
    }));

    if (options.invalidRecord) {
      const invalid = options.invalidRecord;
      it('fails a bad record alone, with its index, and writes its neighbours', withSink(async ({ sink, read }) => {
        const batch = [options.record(1), invalid(), options.record(2)];
        const result = await sink.write(batch);
        expect(result.written).toBe(2);
        expect(result.failed).toHaveLength(1);
        expect(result.failed[0]).toMatchObject({ index: 1, record: batch[1] });
        expect(result.failed[0]!.error).toBeInstanceOf(Error);
        expect(sortJson(await read())).toEqual(sortJson([batch[0]!, batch[2]!].map(expected)));
      }));
    }

    options.additionalTests?.(options.create);
  });
}

/** Compares values regardless of their order and of the order of their fields. */
function sortJson(values: unknown[]): string[] {
  return values.map(canonical).sort();
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

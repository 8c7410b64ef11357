// The conformance suites themselves: declared through any runner's describe/it, they pass a sink or adapter that
// keeps the contract and fail, naming what broke, one that does not. Run here through a runner of our own.
import { describe, expect, it } from 'vitest';
import { MemorySink, type Sink, type SinkRecord, type WriteResult } from '../src/index.js';
import { testAdapter, testSink, type AdapterSuiteOptions, type SinkSuiteOptions, type TestRunner } from '../src/testing/index.js';

type Value = { id: string };

/** A runner that collects the suite's tests (those `only` picks), then runs each, reporting how each ended. */
async function runSuite(declare: (runner: TestRunner) => void, only: (name: string) => boolean = () => true): Promise<Map<string, string>> {
  const tests: { name: string; test: () => Promise<void> }[] = [];
  declare({ describe: (_name, body) => body(), it: (name, test) => void (only(name) && tests.push({ name, test })) });
  const outcomes = new Map<string, string>();
  for (const { name, test } of tests) {
    outcomes.set(
      name,
      await test().then(
        () => 'passed',
        (error: Error) => `${error.name}: ${error.message}`,
      ),
    );
  }
  return outcomes;
}

const failedOnes = (outcomes: Map<string, string>) => [...outcomes].filter(([, outcome]) => outcome !== 'passed');

/** The suite over `sink` (a fresh MemorySink wrapped by `wrap`), reading back what the MemorySink holds. */
const sinkSuite = (wrap: (inner: MemorySink<Value>) => Sink<Value>) => (runner: TestRunner) =>
  testSink<Value>({
    runner,
    name: 'under test',
    create: async () => {
      const inner = new MemorySink<Value>({ latencyMs: 2 });
      return { sink: wrap(inner), read: async () => inner.records.map((record) => record.value) };
    },
    record: (n) => ({ value: { id: `r${n}` } }),
  } satisfies SinkSuiteOptions<Value>);

describe('testSink', () => {
  it('passes a sink that keeps the contract: six tests, all through the runner it was given', async () => {
    const outcomes = await runSuite(sinkSuite((inner) => inner));
    expect(outcomes.size).toBe(6);
    expect(failedOnes(outcomes)).toEqual([]);
  });

  it('fails a sink that loses a record, and says what read() gave back', async () => {
    const lossy = (inner: MemorySink<Value>): Sink<Value> => ({
      write: async (records) => {
        const result = await inner.write(records.slice(1));
        return { ...result, written: records.length };
      },
      close: () => inner.close(),
    });
    const failed = failedOnes(await runSuite(sinkSuite(lossy)));
    expect(failed.map(([name]) => name)).toEqual(expect.arrayContaining(['writes every record and resolves with the count', 'takes concurrent writes']));
    expect(failed[0]![1]).toMatch(/^AssertionError: after writing 60 records: read\(\) must give back the written values/);
  });

  it('fails a sink that takes writes after close(), or whose close() does not wait for writes in flight', async () => {
    const careless = (inner: MemorySink<Value>): Sink<Value> => ({ write: (records) => inner.write(records), close: async () => undefined });
    const failed = new Map(failedOnes(await runSuite(sinkSuite(careless))));
    expect(failed.get('refuses writes after close()')).toMatch(/write\(\) after close\(\) must reject with an error saying the sink is closed; it resolved/);
    expect(failed.get('finishes writes in flight before close() resolves')).toMatch(/once close\(\) resolved, with a write of 40 records in flight/);
  });

  it('counts stale records as not written', async () => {
    const stale = (inner: MemorySink<Value>): Sink<Value> => ({
      write: async (records): Promise<WriteResult<Value>> => ({ ...(await inner.write(records)), written: 0, stale: records.length }),
      close: () => inner.close(),
    });
    const failed = new Map(failedOnes(await runSuite(sinkSuite(stale))));
    expect(failed.get('writes every record and resolves with the count')).toMatch(/must resolve with every record written/);
  });

  it('tells a caller without a runner how to pass one', () => {
    const options = { name: 'x', create: async () => ({ sink: new MemorySink(), read: async () => [] }), record: (n: number) => ({ value: n }) };
    expect(() => testSink(options as unknown as SinkSuiteOptions<number>)).toThrow(
      "testSink needs your test runner's describe and it: pass `runner: { describe, it }`, imported from 'vitest', '@jest/globals' or 'node:test'",
    );
  });
});

describe('testAdapter', () => {
  /** The suite's tests a one-write-at-a-time adapter can pass (the others need writes in flight together, backpressure, stop). */
  const COMMIT_TESTS = [
    'commits nothing at or past a write rejected with a WriteError, and stops with an error',
    'hands each record the sink fails to onDeadLetter once, with the record, and commits past it',
    'hands a message that is not JSON to onDeadLetter as invalid-message, and commits past it',
  ];
  const commitTests = (name: string) => COMMIT_TESTS.includes(name);

  /** A minimal adapter: writes each message as it comes and commits after each write; `commitFirst` commits before writing. */
  const harness = (commitFirst: boolean): Omit<AdapterSuiteOptions, 'runner'> => ({
    name: commitFirst ? 'commits before writing' : 'writes, then commits',
    stopsWithoutDeadLetterHandler: false,
    async run({ sink, messages, onDeadLetter, onCommit, signal }) {
      let committed = 0n;
      for (const [index, text] of messages.entries()) {
        if (signal.aborted) break;
        let record: SinkRecord<unknown> | undefined;
        try {
          record = { value: JSON.parse(text) as unknown };
        } catch (error) {
          await onDeadLetter?.({ index, reason: 'invalid-message', error: error as Error });
        }
        if (commitFirst) onCommit('0', (committed = BigInt(index) + 1n));
        if (record) {
          try {
            const { failed } = await sink.write([record]);
            for (const failure of failed) await onDeadLetter?.({ index, reason: failure.reason, error: failure.error, record });
          } catch (error) {
            return { committed: new Map([['0', committed]]), error: error as Error };
          }
        }
        if (!commitFirst) onCommit('0', (committed = BigInt(index) + 1n));
      }
      return { committed: new Map([['0', committed]]) };
    },
  });

  it('passes an adapter that commits only what is written', async () => {
    const outcomes = await runSuite((runner) => testAdapter({ ...harness(false), runner }), commitTests);
    expect([...outcomes.keys()]).toEqual(COMMIT_TESTS);
    expect(failedOnes(outcomes)).toEqual([]);
  });

  it('fails an adapter that commits a message before it is written, naming the message', async () => {
    const outcomes = await runSuite((runner) => testAdapter({ ...harness(true), runner }), commitTests);
    expect(outcomes.get(COMMIT_TESTS[0]!)).toMatch(/^AssertionError: partition 0 committed up to 14, past message 13 \(position 13\), which was not written/);
    expect(outcomes.get(COMMIT_TESTS[1]!)).toMatch(
      /^AssertionError: commits seen during the run \(onCommit\) that broke the contract[\s\S]*partition 0: committed 4 while message 3 \(position 3\) was neither written nor dead-lettered/,
    );
  });
});

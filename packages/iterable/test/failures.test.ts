import { MemorySink, type SinkRecord } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { invalidRecord, PipeError, pipeToSink, type SourceFailure } from '../src/index.js';
import { ScriptedSink, type Step } from './support/scripted-sink.js';
import { numbered, numberedRecords, sleep, resolvedUnexpectedly } from './support/sources.js';

type Value = { id: string; n: number };
const ns = (records: readonly SinkRecord<Value>[]) => records.map((record) => record.value.n);

/** onCommit that records positions and flags any commit past a record the sink does not hold. */
function commitWatcher(sink: ScriptedSink<Value>, failedOk: () => Set<number>) {
  const commits: bigint[] = [];
  const violations: string[] = [];
  return {
    commits,
    violations,
    onCommit(position: bigint) {
      const settled = new Set([...ns(sink.written), ...failedOk()]);
      for (let n = 0; n <= Number(position); n++) if (!settled.has(n)) violations.push(`committed ${position} past unsettled ${n}`);
      commits.push(position);
    },
  };
}

describe('a sink that fails some records, throttles, then recovers', () => {
  it('writes every other record, hands each failure over with its source index, and commits to the end', async () => {
    const isBad = (record: SinkRecord<Value>) => record.value.n % 97 === 0;
    const script: Step<Value>[] = [
      { kind: 'fail-some', fails: isBad },
      { kind: 'throttle', retryAfterMs: 30 },
      { kind: 'throttle', retryAfterMs: 30 },
    ];
    const sink = new ScriptedSink<Value>((call) => script[call] ?? { kind: 'fail-some', fails: isBad, latencyMs: 1 });
    const failures: SourceFailure<Value>[] = [];
    const watcher = commitWatcher(sink, () => new Set(failures.map((failure) => failure.sourceIndex)));
    const totals = await pipeToSink(numberedRecords(1_000), sink, {
      batchSize: 100,
      maxWritesInFlight: 1,
      onFailure: (failure) => void failures.push(failure),
      onCommit: watcher.onCommit,
    });

    const bad = Array.from({ length: 1_000 }, (_, n) => n).filter((n) => n % 97 === 0);
    expect(totals).toEqual({ read: 1_000, written: 1_000 - bad.length, failed: bad.length, committed: '999' });
    expect(failures.map((failure) => failure.sourceIndex)).toEqual(bad);
    expect(failures.every((failure) => failure.record.value.n === failure.sourceIndex && failure.reason === 'invalid-value')).toBe(true);
    expect(ns(sink.written).sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, n) => n).filter((n) => n % 97 !== 0));
    expect(watcher.violations).toEqual([]);
    // The throttled batch was handed over again, the same record objects, after waiting retryAfterMs each time.
    const [, throttled1, throttled2, retried] = sink.calls;
    expect(throttled1!.step).toBe('throttle');
    expect(throttled2!.records).toEqual(throttled1!.records);
    expect(retried!.records.every((record, index) => record === throttled1!.records[index])).toBe(true);
    expect(throttled2!.at - throttled1!.at).toBeGreaterThanOrEqual(28);
    expect(retried!.at - throttled2!.at).toBeGreaterThanOrEqual(28);
  });

  it('pauses every write while throttled, then resends the refused batch alone, then the rest in source order', async () => {
    const script: Step<Value>[] = [
      { kind: 'write', latencyMs: 5 },
      { kind: 'throttle', retryAfterMs: 40 },
      { kind: 'throttle', retryAfterMs: 20 }, // the first write after the pause is refused again
    ];
    const sink = new ScriptedSink<Value>((call) => script[call] ?? { kind: 'write', latencyMs: 5 });
    const totals = await pipeToSink(numberedRecords(200), sink, { batchSize: 10, maxWritesInFlight: 4 });
    expect(totals).toMatchObject({ read: 200, written: 200, failed: 0, committed: '199' });
    expect(ns(sink.written).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, n) => n));

    const first = sink.calls.findIndex((call) => call.step === 'throttle');
    const [refused, probe, retried, next] = sink.calls.slice(first);
    // Nothing at all was sent during either pause; the refused batch went first and alone each time.
    expect(probe!.at - refused!.at).toBeGreaterThanOrEqual(38);
    expect(ns(probe!.records)).toEqual(ns(refused!.records));
    expect(probe!.step).toBe('throttle');
    expect(retried!.at - probe!.at).toBeGreaterThanOrEqual(18);
    expect(ns(retried!.records)).toEqual(ns(refused!.records));
    expect(next!.at - retried!.at).toBeGreaterThanOrEqual(4); // waited for the probe to be taken
    const firstsAfterPause = sink.calls.slice(first + 2).map((call) => call.records[0]!.value.n);
    expect(firstsAfterPause).toEqual([...firstsAfterPause].sort((a, b) => a - b));
  });

  it('waits for an async onFailure before committing past the failed record', async () => {
    const sink = new ScriptedSink<Value>(() => ({ kind: 'fail-some', fails: (record) => record.value.n === 5 }));
    const commits: bigint[] = [];
    let handedOver = false;
    const totals = await pipeToSink(numberedRecords(10), sink, {
      batchSize: 2,
      async onFailure() {
        await sleep(30);
        handedOver = true;
      },
      onCommit(position) {
        if (position >= 5n && !handedOver) throw new Error(`committed ${position} before the dead letter was handed over`);
        commits.push(position);
      },
    });
    expect(totals).toEqual({ read: 10, written: 9, failed: 1, committed: '9' });
  });

  it('reports InvalidRecord items to onFailure without writing them', async () => {
    const items = [numbered(0), invalidRecord<Value>({ value: { id: 'bad', n: 1 }, offset: '1' }, 'item 1 is no good', 'id'), numbered(2)];
    const sink = new MemorySink<Value>();
    const failures: SourceFailure<Value>[] = [];
    const totals = await pipeToSink(items, sink, { onFailure: (failure) => void failures.push(failure) });
    expect(totals).toEqual({ read: 3, written: 2, failed: 1, committed: '2' });
    expect(ns(sink.records)).toEqual([0, 2]);
    expect(failures).toMatchObject([{ sourceIndex: 1, index: 1, reason: 'invalid-value', field: 'id', record: { offset: '1' }, error: { message: 'item 1 is no good' } }]);
  });

  it('only counts failures when there is no onFailure', async () => {
    const sink = new ScriptedSink<Value>(() => ({ kind: 'fail-some', fails: (record) => record.value.n < 3 }));
    expect(await pipeToSink(numberedRecords(10), sink)).toEqual({ read: 10, written: 7, failed: 3, committed: '9' });
  });
});

describe('a sink that cannot go on', () => {
  it('rejects on a WriteError once the other writes settled, carrying the totals and every unwritten record', async () => {
    // Calls 0-2 write (slowly, so they are in flight together), call 3 writes 4 of its 10 records then gives up.
    const script: Step<Value>[] = [
      { kind: 'write', latencyMs: 30 },
      { kind: 'write', latencyMs: 30 },
      { kind: 'write', latencyMs: 30 },
      { kind: 'write-error', writeFirst: 4, latencyMs: 5 },
    ];
    const sink = new ScriptedSink<Value>(script);
    const commits: bigint[] = [];
    let pulled = 0;
    const error = await pipeToSink(
      numberedRecords(200, (n) => (pulled = n + 1)),
      sink,
      { batchSize: 10, maxWritesInFlight: 4, maxPending: 60, onCommit: (position) => void commits.push(position) },
    ).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError<Value>);

    expect(error).toBeInstanceOf(PipeError);
    expect(error.cause).toMatchObject({ name: 'WriteError' });
    // The three slow writes were in flight when the fourth failed: they were let finish.
    expect(ns(sink.written).sort((a, b) => a - b)).toEqual([...Array.from({ length: 30 }, (_, n) => n), 30, 31, 32, 33]);
    expect(error.totals).toMatchObject({ written: 34, failed: 0, committed: '33' });
    expect(error.totals.read).toBeLessThanOrEqual(pulled);
    // Everything read and not written comes back, in source order: the failed write's rest, then what was never sent.
    expect(ns(error.unwritten)).toEqual(Array.from({ length: error.totals.read - 34 }, (_, n) => n + 34));
    expect(error.totals.read).toBe(error.totals.written + error.totals.failed + error.unwritten.length);
    expect(commits.at(-1)).toBe(33n); // up to the failed write's written part, never past its first unwritten record (34)
    expect(error.message).toMatch(/written.*not written.*committed up to 33: 6 records were not written: scripted/);
    expect(sink.calls).toHaveLength(4); // nothing sent after the failure
    // What a caller logs: the error's own fields (name, totals, unwritten...) go through JSON.stringify as they are.
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'PipeError', totals: { written: 34, failed: 0, committed: '33' } });
  });

  it('rejects on any other error from the sink, with all of that write unwritten', async () => {
    const sink = new ScriptedSink<Value>([{ kind: 'write' }, { kind: 'crash', message: 'socket hang up' }]);
    const error = await pipeToSink(numberedRecords(50), sink, { batchSize: 10, maxWritesInFlight: 1 }).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError<Value>);
    expect(error.message).toMatch(/socket hang up/);
    expect(error.totals).toMatchObject({ written: 10, committed: '9' });
    expect(ns(error.unwritten)[0]).toBe(10);
    expect(error.totals.read).toBe(10 + error.unwritten.length);
  });

  it('rejects when the source throws, after writing what it had handed over', async () => {
    async function* broken() {
      for (let n = 0; n < 25; n++) yield numbered(n);
      throw new Error('disk read error');
    }
    const sink = new MemorySink<Value>({ latencyMs: 5 });
    const error = await pipeToSink(broken(), sink, { batchSize: 10 }).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError<Value>);
    expect(error).toBeInstanceOf(PipeError);
    expect(error.cause).toMatchObject({ message: 'disk read error' });
    expect(error.totals.read).toBe(25);
    expect(error.totals.written + error.unwritten.length).toBe(25);
    expect(ns(sink.records)).toEqual(Array.from({ length: error.totals.written }, (_, n) => n));
  });

  it('rejects when onFailure throws, keeping the record it was given among the unwritten', async () => {
    const sink = new ScriptedSink<Value>(() => ({ kind: 'fail-some', fails: (record) => record.value.n === 13 }));
    const error = await pipeToSink(numberedRecords(40), sink, {
      batchSize: 10,
      maxWritesInFlight: 1,
      onFailure() {
        throw new Error('dead-letter topic unavailable');
      },
    }).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError<Value>);
    expect(error.cause).toMatchObject({ message: 'dead-letter topic unavailable' });
    expect(error.totals).toMatchObject({ failed: 0, committed: '12' });
    expect(ns(error.unwritten)[0]).toBe(13);
  });

  it('takes a WriteError whose records cannot be matched as writing nothing: commits stay behind', async () => {
    const sink = {
      calls: 0,
      async write(records: readonly SinkRecord<Value>[]) {
        if (this.calls++ === 0) return { written: records.length, failed: [] };
        const { WriteError } = await import('@dynamo-sink/core');
        throw new WriteError<Value>('copies', { unwritten: records.slice(5).map((record) => ({ ...record })), written: 5, failed: [] });
      },
    };
    const error = await pipeToSink(numberedRecords(20), sink, { batchSize: 10, maxWritesInFlight: 1 }).then(resolvedUnexpectedly, (caught: unknown) => caught as PipeError<Value>);
    expect(error.totals.committed).toBe('9');
    expect(ns(error.unwritten)).toEqual(Array.from({ length: 10 }, (_, n) => n + 10));
  });
});

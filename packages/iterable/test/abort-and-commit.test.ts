import { MemorySink } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { pipeToSink } from '../src/index.js';
import { ScriptedSink } from './support/scripted-sink.js';
import { numbered, numberedRecords, sleep, until, resolvedUnexpectedly } from './support/sources.js';

describe('abort', () => {
  it('mid-stream: resolves with what was written, and nothing pulled after the abort is written', async () => {
    const sink = new MemorySink<{ id: string; n: number }>({ latencyMs: 10 });
    const controller = new AbortController();
    let pulled = 0;
    let pulledAtAbort = -1;
    let sourceClosed = false;
    async function* endless() {
      try {
        for (let n = 0; ; n++) {
          pulled = n + 1;
          yield numbered(n);
        }
      } finally {
        sourceClosed = true;
      }
    }
    const commits: bigint[] = [];
    const done = pipeToSink(endless(), sink, { batchSize: 100, maxPending: 1_000, signal: controller.signal, onCommit: (p) => void commits.push(p) });
    await until(() => sink.records.length >= 2_000);
    pulledAtAbort = pulled;
    controller.abort();
    const totals = await done;

    expect(totals.written).toBe(sink.records.length);
    expect(totals.failed).toBe(0);
    expect(totals.read).toBeLessThanOrEqual(pulledAtAbort);
    // Writes in flight at the abort finished; nothing was sent after it, so the table is a prefix of the source.
    expect(sink.records.map((record) => record.value.n)).toEqual(Array.from({ length: totals.written }, (_, n) => n));
    expect(Math.max(...sink.records.map((record) => record.value.n))).toBeLessThan(pulledAtAbort);
    expect(totals.committed).toBe(String(totals.written - 1));
    expect(String(commits.at(-1))).toBe(totals.committed);
    expect(sourceClosed).toBe(true);
    await sleep(30);
    expect(sink.records).toHaveLength(totals.written); // nothing trickles in afterwards
  });

  it('while the source is stuck waiting: resolves at once, without the item that comes later', async () => {
    const sink = new ScriptedSink<{ id: string; n: number }>([]);
    const controller = new AbortController();
    let release!: () => void;
    async function* stuck() {
      yield numbered(0);
      await new Promise<void>((resolve) => (release = resolve));
      yield numbered(1);
    }
    const done = pipeToSink(stuck(), sink, { lingerMs: 0, signal: controller.signal });
    await until(() => sink.written.length === 1);
    const abortedAt = performance.now();
    controller.abort();
    const totals = await done;
    expect(performance.now() - abortedAt).toBeLessThan(50);
    expect(totals).toEqual({ read: 1, written: 1, failed: 0, committed: '0' });
    release();
    await sleep(10);
    expect(sink.written).toHaveLength(1);
  });

  it('before the start: pulls nothing', async () => {
    let pulled = false;
    const source = (function* () {
      pulled = true;
      yield numbered(0);
    })();
    const totals = await pipeToSink(source, new MemorySink(), { signal: AbortSignal.abort() });
    expect(totals).toEqual({ read: 0, written: 0, failed: 0, committed: undefined });
    expect(pulled).toBe(false);
  });

  it('during a backpressure pause: does not hand the throttled records over again', async () => {
    const sink = new ScriptedSink<{ id: string; n: number }>([{ kind: 'write' }, { kind: 'throttle', retryAfterMs: 10_000 }]);
    const controller = new AbortController();
    const done = pipeToSink(numberedRecords(20), sink, { batchSize: 10, maxWritesInFlight: 1, signal: controller.signal });
    await until(() => sink.calls.length === 2);
    controller.abort();
    expect(await done).toEqual({ read: 20, written: 10, failed: 0, committed: '9' });
    expect(sink.calls).toHaveLength(2);
  });
});

describe('onCommit', () => {
  it('is monotone, never passes an unwritten record, and ends at the last index, with writes finishing out of order', async () => {
    // Random latencies: later batches often finish first.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const sink = new ScriptedSink<{ id: string; n: number }>(() => ({ kind: 'write', latencyMs: 1 + Math.floor(random() * 20) }));
    const commits: bigint[] = [];
    const violations: string[] = [];
    const totals = await pipeToSink(numberedRecords(5_000), sink, {
      batchSize: 50,
      maxWritesInFlight: 8,
      onCommit(position) {
        if (commits.length > 0 && position <= commits.at(-1)!) violations.push(`${position} after ${commits.at(-1)}`);
        const written = new Set(sink.written.map((record) => record.value.n));
        for (let n = 0; n <= Number(position); n++) if (!written.has(n)) violations.push(`committed ${position} before ${n} was written`);
        commits.push(position);
      },
    });
    expect(violations).toEqual([]);
    expect(totals).toEqual({ read: 5_000, written: 5_000, failed: 0, committed: '4999' });
    expect(commits.at(-1)).toBe(4_999n);
    expect(commits.length).toBeGreaterThan(10);
    // Out of order for real: some batch finished before an earlier one.
    const finishOrder = sink.written.map((record) => record.value.n);
    expect(finishOrder).not.toEqual([...finishOrder].sort((a, b) => a - b));
  });

  it('calls an async onCommit one at a time, reporting the newest position next, and waits for it before resolving', async () => {
    const sink = new ScriptedSink<{ id: string; n: number }>(() => ({ kind: 'write', latencyMs: 1 }));
    const commits: bigint[] = [];
    let running = 0;
    let overlapped = false;
    const totals = await pipeToSink(numberedRecords(2_000), sink, {
      batchSize: 20,
      async onCommit(position) {
        if (running++ > 0) overlapped = true;
        await sleep(15);
        commits.push(position);
        running--;
      },
    });
    expect(overlapped).toBe(false);
    expect(commits.at(-1)).toBe(1_999n);
    expect(totals.committed).toBe('1999');
    expect(commits.length).toBeLessThan(100); // coalesced: 100 batches, far fewer calls
    expect([...commits].sort((a, b) => (a < b ? -1 : 1))).toEqual(commits);
  });

  it('stops the pipe when it throws', async () => {
    const sink = new MemorySink();
    const error = await pipeToSink(numberedRecords(1_000), sink, {
      batchSize: 100,
      onCommit(position) {
        if (position >= 300n) throw new Error('checkpoint store is down');
      },
    }).then(resolvedUnexpectedly, (caught: unknown) => caught as Error);
    expect(error).toMatchObject({ name: 'PipeError', cause: { message: 'checkpoint store is down' } });
    expect((error as Error).message).toMatch(/checkpoint store is down/);
  });
});

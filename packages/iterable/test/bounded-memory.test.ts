import { MemorySink, type Sink, type SinkRecord, type WriteResult } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { pipeNdjson, pipeToSink } from '../src/index.js';
import { numberedRecords, sleep, until } from './support/sources.js';

/** Writes nothing anywhere: counts, after a delay. Memory can then only grow inside the pipe. */
class DiscardingSink implements Sink<unknown> {
  written = 0;
  constructor(private readonly latencyMs: number) {}
  async write(records: readonly SinkRecord<unknown>[]): Promise<WriteResult<unknown>> {
    await sleep(this.latencyMs);
    this.written += records.length;
    return { written: records.length, failed: [] };
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
};

describe('bounded memory on an endless source', () => {
  it('never pulls more than maxPending records ahead of what the sink wrote (checked at every pull)', async () => {
    const maxPending = 400;
    const sink = new MemorySink<{ id: string; n: number }>({ latencyMs: 15 });
    const controller = new AbortController();
    let worstGap = 0;
    const source = numberedRecords(Infinity, (n) => {
      const gap = n + 1 - sink.records.length; // pulled (this one included) minus written
      worstGap = Math.max(worstGap, gap);
      if (gap > maxPending) throw new Error(`pulled ${n + 1} with only ${sink.records.length} written`);
    });
    const done = pipeToSink(source, sink, { batchSize: 50, maxWritesInFlight: 4, maxPending, signal: controller.signal });
    await until(() => sink.records.length >= 3_000);
    controller.abort();
    const totals = await done;
    expect(totals.written).toBe(sink.records.length);
    expect(worstGap).toBeLessThanOrEqual(maxPending);
    // The slow sink did hold the source back: the bound was reached, not merely respected by a fast sink.
    expect(worstGap).toBeGreaterThan(maxPending - 50);
  });

  it('keeps heapUsed flat over 200,000 records', async () => {
    const sink = new DiscardingSink(1);
    const controller = new AbortController();
    let heapAt20k = 0;
    let heapAt200k = 0;
    const source = numberedRecords(Infinity, (n) => {
      if (!gc) return;
      if (n === 20_000) heapAt20k = heapAfterGc();
      if (n === 200_000) heapAt200k = heapAfterGc();
    });
    const done = pipeToSink(source, sink, { signal: controller.signal });
    await until(() => sink.written >= 200_000, 20_000);
    controller.abort();
    const totals = await done;
    expect(totals.written).toBe(sink.written);
    expect(totals.committed).toBe(String(totals.written - 1));
    if (!gc) return; // run without --expose-gc: the bound above was checked, the heap cannot be measured reliably
    // At most maxPending (10,000) small records are alive at either point; 200k retained would be ~20 MB.
    expect(heapAt200k - heapAt20k).toBeLessThan(4 * 1024 * 1024);
  });

  it('pipeNdjson reads an endless stream only a bounded number of lines ahead, and abort leaves written = committed', async () => {
    const maxPending = 2_000;
    const sink = new MemorySink<{ id: string }>({ latencyMs: 10 });
    const controller = new AbortController();
    let produced = 0; // lines pushed into the stream
    let worstGap = 0;
    const endless = new Readable({
      // Node 22 raised the default buffer from 16 KiB to 64 KiB: say it, so the bound below holds on every Node.
      highWaterMark: 16 * 1024,
      read() {
        worstGap = Math.max(worstGap, produced - sink.records.length);
        const lines = Array.from({ length: 100 }, (_, i) => `{"id":"r${produced + i + 1}"}\n`);
        produced += lines.length;
        this.push(lines.join(''));
      },
    });
    const done = pipeNdjson(endless, sink, { batchSize: 200, maxWritesInFlight: 2, maxPending, signal: controller.signal });
    await until(() => sink.records.length >= 20_000, 20_000);
    controller.abort();
    const totals = await done;
    // Ahead of the sink: at most maxPending records, a group of parsed lines (1,000) and the stream's buffer (~1,000 lines).
    expect(worstGap).toBeLessThan(maxPending + 2_500);
    expect(worstGap).toBeGreaterThan(maxPending); // the slow sink did hold the stream back
    expect(totals.written).toBe(sink.records.length);
    expect(totals.committed).toBe(String(totals.written)); // line numbers: every line up to the last written one
    expect(sink.records.map((record) => record.value.id)).toEqual(Array.from({ length: totals.written }, (_, i) => `r${i + 1}`));
  });
});

import { SinkError } from './errors.js';
import type { Sink, SinkRecord, WriteResult } from './sink.js';

export interface MemorySinkOptions {
  /** Delay before each write resolves, to stand in for a slow destination. @default 0 */
  readonly latencyMs?: number;
}

/**
 * The reference `Sink`: keeps every record in memory, in the order written.
 * Use it to test code that feeds a sink, and as the model of the contract for your own sinks.
 */
export class MemorySink<V = unknown> implements Sink<V> {
  /** Every record written, oldest first. */
  readonly records: SinkRecord<V>[] = [];
  private inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: MemorySinkOptions = {}) {}

  async open(): Promise<void> {}

  write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    if (this.closed) return Promise.reject(new SinkError('MemorySink is closed'));
    const batch = [...records];
    const done = (async () => {
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      this.records.push(...batch);
      return { written: batch.length, failed: [] };
    })();
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}

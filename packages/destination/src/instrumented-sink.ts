/**
 * A `Sink` wrapper that counts what passes through: records handed over and not yet settled (pending), written,
 * stale, failed, and when a write last settled. Health and progress read these; the wrapped sink does the work.
 */
import type { Sink, SinkRecord, WriteResult } from '@dynamo-sink/core';

/** What the wrapper has seen so far. */
export interface SinkCounts {
  /** Records in `write` calls that have not settled yet. */
  readonly pending: number;
  /** Records the sink reported written (deletes included). */
  readonly written: number;
  /** Records a version-guarded sink passed over: the table held a newer version of the item (`version_field`). */
  readonly stale: number;
  /** Records the sink failed for good (they go to the dead-letter topic, or stop the service). */
  readonly failed: number;
  /** `Date.now()` when a write call last settled, or when pending went from 0 to more; undefined before any write. */
  readonly lastProgressAt: number | undefined;
}

/** Wraps a sink and keeps {@link SinkCounts}. */
export class InstrumentedSink<V> implements Sink<V> {
  private counts = { pending: 0, written: 0, stale: 0, failed: 0, lastProgressAt: undefined as number | undefined };

  constructor(
    private readonly inner: Sink<V>,
    private readonly now: () => number = Date.now,
  ) {}

  get stats(): SinkCounts {
    return { ...this.counts };
  }

  async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    // The stall clock starts when work arrives after an idle spell: an idle service is not a stalled one.
    if (this.counts.pending === 0) this.counts.lastProgressAt = this.now();
    this.counts.pending += records.length;
    try {
      const result = await this.inner.write(records);
      this.counts.written += result.written;
      this.counts.stale += result.stale ?? 0;
      this.counts.failed += result.failed.length;
      return result;
    } finally {
      this.counts.pending -= records.length;
      this.counts.lastProgressAt = this.now();
    }
  }

  async open(): Promise<void> {
    await this.inner.open?.();
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}

import { isSinkBackpressureError, type Sink, type WriteResult } from '@dynamo-sink/core';
import type { Batch } from './batch.js';

/** How one `write` call ended: resolved with a result, or rejected (a `SinkBackpressureError` never gets here). */
export type WriteOutcome<V> = { readonly result: WriteResult<V> } | { readonly error: unknown };

/** Used when a sink's SinkBackpressureError carries no usable delay. */
const FALLBACK_RETRY_AFTER_MS = 100;

/**
 * Runs `write` calls, at most `maxInFlight` at once, in the order batches were submitted.
 * A sink that throws `SinkBackpressureError` gets nothing for `retryAfterMs`, then the same batch again, first and
 * alone; the other writes resume once it was taken. (Writes already in flight when one is refused may land before
 * it: a sink that cares about order across calls must not refuse one call while taking a later one.)
 * Each outcome is handed to `settle`, and the call's slot is only freed once `settle` is done.
 */
export class WritePool<V> {
  private readonly queue: Batch<V>[] = [];
  private inFlight = 0;
  /** While set, nothing is sent: the sink asked for a pause. Cleared by `resumeTimer`, the one clock that counts. */
  private paused = false;
  private pausedUntil = 0;
  /** After a pause, one write goes alone; the others follow once the sink took it, rather than all being refused again. */
  private probing = false;
  private resumeTimer: NodeJS.Timeout | undefined;
  private halted = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: Sink<V>,
    private readonly maxInFlight: number,
    private readonly settle: (batch: Batch<V>, outcome: WriteOutcome<V>) => Promise<void>,
  ) {}

  submit(batch: Batch<V>): void {
    this.queue.push(batch);
    this.pump();
  }

  /** Sends nothing more; returns the batches that were waiting. Writes in flight go on to their end. */
  halt(): Batch<V>[] {
    this.halted = true;
    clearTimeout(this.resumeTimer);
    const abandoned = this.queue.splice(0);
    this.notifyIfIdle();
    return abandoned;
  }

  /** Resolves when nothing is in flight and nothing waits to be sent (or the pool is halted). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && (this.halted || this.queue.length === 0);
  }

  private pump(): void {
    const limit = this.probing ? 1 : this.maxInFlight;
    while (!this.halted && this.inFlight < limit && this.queue.length > 0 && !this.paused) {
      void this.send(this.queue.shift()!);
    }
  }

  private async send(batch: Batch<V>): Promise<void> {
    this.inFlight++;
    try {
      let outcome: WriteOutcome<V>;
      try {
        outcome = { result: await this.sink.write(batch.records) };
      } catch (error) {
        if (isSinkBackpressureError(error)) {
          this.requeue(batch);
          this.pause(error.retryAfterMs);
          return;
        }
        outcome = { error };
      }
      this.probing = false;
      await this.settle(batch, outcome);
    } finally {
      this.inFlight--;
      this.pump();
      this.notifyIfIdle();
    }
  }

  /** Puts a batch back in source order: several in flight may be handed back, in any order. */
  private requeue(batch: Batch<V>): void {
    let at = 0;
    while (at < this.queue.length && this.queue[at]!.sequence < batch.sequence) at++;
    this.queue.splice(at, 0, batch);
  }

  private pause(retryAfterMs: number): void {
    const delay = Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : FALLBACK_RETRY_AFTER_MS;
    const until = Date.now() + delay;
    if (this.halted || (this.paused && until <= this.pausedUntil)) return;
    this.paused = true;
    this.pausedUntil = until;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.paused = false;
      this.probing = true;
      this.pump();
    }, delay);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

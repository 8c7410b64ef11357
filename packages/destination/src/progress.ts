/**
 * The progress line, every few seconds: throughput since the last line and totals, for a person watching the logs.
 */
import type { LogFields, Logger } from './logger.js';

/** Totals at one moment. */
export interface ProgressSnapshot {
  readonly written: number;
  readonly stale: number;
  readonly deadLettered: number;
  readonly failed: number;
  readonly retries: number;
  readonly throttled: number;
  readonly pending: number;
  readonly lag: number | undefined;
}

/** Logs a progress line every `everyMs`; `stop()` ends it. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private last: { at: number; written: number };
  private busy = false;

  constructor(
    private readonly logger: Logger,
    private readonly snapshot: () => Promise<ProgressSnapshot>,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.last = { at: now(), written: 0 };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.report(), this.everyMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Logs one line now (skipped if the previous one is still reading the lag). */
  async report(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const snapshot = await this.snapshot();
      this.logger.info('progress', progressFields(snapshot, this.last, this.now()));
      this.last = { at: this.now(), written: snapshot.written };
    } finally {
      this.busy = false;
    }
  }
}

/** The fields of a progress line; records/s is over the time since the previous line. */
export function progressFields(snapshot: ProgressSnapshot, previous: { at: number; written: number }, now: number): LogFields {
  const seconds = Math.max(0.001, (now - previous.at) / 1000);
  return {
    records_per_s: Math.round((snapshot.written - previous.written) / seconds),
    written: snapshot.written,
    stale: snapshot.stale,
    dead_lettered: snapshot.deadLettered,
    failed: snapshot.failed,
    retries: snapshot.retries,
    throttled: snapshot.throttled,
    pending: snapshot.pending,
    lag: snapshot.lag ?? 'unknown',
  };
}

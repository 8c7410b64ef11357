import { WriteError } from '../errors.js';
import type { FailureReason, RecordFailure, SinkRecord, WriteResult } from '../sink.js';

/** Tracks one `write` call until each of its records is written, failed or given back. */
export class WriteCall<V> {
  readonly promise: Promise<WriteResult<V>>;
  private remaining: number;
  private written = 0;
  private stale = 0;
  private readonly failed: RecordFailure<V>[] = [];
  private readonly unwritten: { index: number; error: Error }[] = [];
  private resolve!: (result: WriteResult<V>) => void;
  private reject!: (error: WriteError<V>) => void;

  constructor(readonly records: readonly SinkRecord<V>[]) {
    this.remaining = records.length;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finishIfDone();
  }

  markWritten(): void {
    this.written++;
    this.done();
  }

  /** A version-guarded write lost to a newer stored item: settled, neither written nor failed. */
  markStale(): void {
    this.stale++;
    this.done();
  }

  markFailed(index: number, reason: FailureReason, error: Error & { field?: string | undefined }): RecordFailure<V> {
    const failure: RecordFailure<V> = { record: this.records[index]!, index, reason, error, ...(error.field ? { field: error.field } : {}) };
    this.failed.push(failure);
    this.done();
    return failure;
  }

  /** The record could not be written, through no fault of its own: it goes back to the caller in a WriteError. */
  markUnwritten(index: number, error: Error): void {
    this.unwritten.push({ index, error });
    this.done();
  }

  private done(): void {
    this.remaining--;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.remaining > 0) return;
    this.failed.sort((a, b) => a.index - b.index);
    if (this.unwritten.length === 0) {
      this.resolve({ written: this.written, stale: this.stale, failed: this.failed });
      return;
    }
    this.unwritten.sort((a, b) => a.index - b.index);
    const cause = this.unwritten[0]!.error;
    this.reject(
      new WriteError<V>(`${this.unwritten.length} of ${this.records.length} records were not written: ${cause.message}`, {
        unwritten: this.unwritten.map(({ index }) => this.records[index]!),
        written: this.written,
        stale: this.stale,
        failed: this.failed,
        cause,
      }),
    );
  }
}

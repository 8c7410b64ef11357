import type { RecordFailure, SinkRecord } from './sink.js';

/** The root of every error this library throws. `retriable` says whether trying again later may succeed. */
export class SinkError extends Error {
  override name = 'SinkError';
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}

/** Options were wrong; thrown at construction, never mid-stream. */
export class ConfigError extends SinkError {
  override name = 'ConfigError';
}

/** A problem with one record; travels in `RecordFailure.error`. */
export class RecordError extends SinkError {
  override name = 'RecordError';
  readonly field: string | undefined;

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/**
 * Writing cannot go on (retries exhausted, table missing, credentials refused).
 * `unwritten` holds every record of the call that is not in the table; `failed` the records that failed on their own.
 */
export class WriteError<V = unknown> extends SinkError {
  override name = 'WriteError';
  readonly unwritten: readonly SinkRecord<V>[];
  readonly written: number;
  /** Records that lost to a newer stored version (settled, like `written`). */
  readonly stale: number;
  readonly failed: readonly RecordFailure<V>[];

  constructor(
    message: string,
    details: {
      unwritten: readonly SinkRecord<V>[];
      written: number;
      stale?: number;
      failed: readonly RecordFailure<V>[];
      cause?: unknown;
      retriable?: boolean;
    },
  ) {
    super(message, { cause: details.cause, retriable: details.retriable ?? true });
    this.unwritten = details.unwritten;
    this.written = details.written;
    this.stale = details.stale ?? 0;
    this.failed = details.failed;
  }
}

/** The sink is saturated: the caller should wait `retryAfterMs` and hand over the same records again. Nothing was written. */
export class SinkBackpressureError extends SinkError {
  override name = 'SinkBackpressureError';
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message = `Sink is saturated; retry after ${retryAfterMs} ms`) {
    super(message, { retriable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

export const isSinkError = (error: unknown): error is SinkError => error instanceof SinkError;
export const isWriteError = (error: unknown): error is WriteError => error instanceof WriteError;
export const isSinkBackpressureError = (error: unknown): error is SinkBackpressureError => error instanceof SinkBackpressureError;

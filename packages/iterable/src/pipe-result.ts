import { SinkError, type SinkRecord } from '@dynamo-sink/core';

/** What a pipe did. `read - written - failed` records were read but not settled (left behind by an abort or an error). */
export interface PipeResult {
  /** Items pulled from the source. */
  readonly read: number;
  /** Records the sink wrote. */
  readonly written: number;
  /** Records that failed for good (handed to `onFailure`, when given). */
  readonly failed: number;
  /** The last position reported to `onCommit`: every record up to it is written or failed. Undefined if none. */
  readonly committed: bigint | undefined;
}

/**
 * The pipe stopped because writing could not go on (a `WriteError`, any other error from the sink, the source,
 * `toRecord`, `onFailure` or `onCommit`). Writes in flight were let settle first. `cause` is the first error.
 */
export class PipeError<V = unknown> extends SinkError {
  override name = 'PipeError';

  constructor(
    message: string,
    /** Totals at the time it stopped; `committed` is where to resume. */
    readonly totals: PipeResult,
    /** Every record read and neither written nor failed: the failed writes' `unwritten`, then those not yet sent, in source order. */
    readonly unwritten: readonly SinkRecord<V>[],
    cause: unknown,
  ) {
    super(message, { cause, retriable: (cause as { retriable?: unknown } | undefined)?.retriable === true });
  }
}

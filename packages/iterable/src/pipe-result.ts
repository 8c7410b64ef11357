import { SinkError, type SinkRecord } from '@dynamo-sink/core';

/**
 * What a pipe did. `read - written - failed` records were read but not settled (left behind by an abort or an error).
 * JSON-safe: `JSON.stringify(totals)` works, and so does logging it with any structured logger.
 *
 * @example
 * const totals = await pipeNdjson('events.ndjson', sink);
 * console.log(JSON.stringify(totals));   // {"read":3000,"written":2998,"failed":2,"committed":"3000"}
 */
export interface PipeResult {
  /** Items pulled from the source. */
  readonly read: number;
  /** Records the sink wrote. */
  readonly written: number;
  /** Records that failed for good (handed to `onFailure`, when given). */
  readonly failed: number;
  /**
   * The last position reported to `onCommit` (every record up to it is written or failed), as a decimal string, since
   * positions are bigints and JSON has none: `BigInt(committed)` gives the position back, `Number(committed)` a line
   * number of `pipeNdjson`. Undefined if nothing was committed.
   */
  readonly committed: string | undefined;
}

/**
 * The pipe stopped because writing could not go on (a `WriteError`, any other error from the sink, the source,
 * `toRecord`, `onFailure` or `onCommit`). Writes in flight were let settle first. `cause` is the first error.
 */
export class PipeError<V = unknown> extends SinkError {
  override name = 'PipeError';

  constructor(
    message: string,
    /** Totals at the time it stopped; `committed` is where to resume (resume after it). JSON-safe. */
    readonly totals: PipeResult,
    /** Every record read and neither written nor failed: the failed writes' `unwritten`, then those not yet sent, in source order. */
    readonly unwritten: readonly SinkRecord<V>[],
    cause: unknown,
  ) {
    super(message, { cause, retriable: (cause as { retriable?: unknown } | undefined)?.retriable === true });
  }
}

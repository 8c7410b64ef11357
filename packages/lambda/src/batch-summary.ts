import { SinkError } from '@dynamo-sink/core';
import type { EventSourceKind } from './dead-letter.js';

/**
 * What one invocation came to. Every record of the event is in exactly one of `written`, `stale`, `deadLettered`,
 * `failed` and `unwritten`; the last two are what the handler reports to Lambda (or throws for).
 */
export interface BatchSummary {
  readonly source: EventSourceKind;
  /** Records in the event. */
  readonly records: number;
  /** Written by the sink. */
  readonly written: number;
  /** Not written because the table held a newer version (`WriteResult.stale`): done, like written ones. */
  readonly stale: number;
  /** Handed to `onDeadLetter`, which resolved: done. */
  readonly deadLettered: number;
  /** Records that can never be written and were not taken by `onDeadLetter` (none given, it threw, or time ran out). */
  readonly failed: number;
  /** Records not written: the time budget ran out, or `sink.write` rejected. */
  readonly unwritten: number;
  /** True when the time budget ran out before everything was settled. */
  readonly timedOut: boolean;
  /** Why writing stopped (`sink.write` rejections) and why dead letters failed (`onDeadLetter` throws), in order. */
  readonly errors: readonly unknown[];
}

/**
 * Thrown by a handler so that Lambda retries the whole batch: by `kafkaHandler` (unless `reportBatchItemFailures`)
 * when any record is not done, and by every handler when no record of the batch is done because `sink.write`
 * rejected (the function's error metric then shows the outage, and Lambda backs off).
 */
export class LambdaBatchError extends SinkError {
  override name = 'LambdaBatchError';
  readonly summary: BatchSummary;
  /** The identifiers of the records not done (see `DeadLetter.id`), in event order. */
  readonly notDone: readonly string[];

  constructor(message: string, summary: BatchSummary, notDone: readonly string[], cause?: unknown) {
    super(message, { cause, retriable: true });
    this.summary = summary;
    this.notDone = notDone;
  }
}

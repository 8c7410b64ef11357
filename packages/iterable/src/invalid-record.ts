import { RecordError, type FailureReason, type SinkRecord } from '@dynamo-sink/core';

/**
 * An item the source could not turn into a record, say a line that is not JSON. `pipeToSink` does not write it: it
 * reports it to `onFailure` (as `reason`, `invalid-value` unless told) and counts it as failed and done, so one bad
 * item never stops the stream nor holds back the commit.
 */
export class InvalidRecord<V = unknown> {
  /** @param record what is known of the item (for a bad line: its raw text as `value`, the line number as `offset`) */
  constructor(
    readonly record: SinkRecord<V>,
    readonly error: RecordError,
    readonly reason: FailureReason = 'invalid-value',
  ) {}
}

/** Shorthand: an InvalidRecord whose error says `message` (and names `field`, if given). */
export function invalidRecord<V>(record: SinkRecord<V>, message: string, field?: string): InvalidRecord<V> {
  return new InvalidRecord(record, new RecordError(message, field === undefined ? {} : { field }));
}

/**
 * The contract between sources (adapters) and destinations (sinks).
 * An adapter only ever calls `write`; a destination only ever sees `SinkRecord`s.
 */

/** A record as a source hands it over: the value plus whatever transport metadata the source has. */
export interface SinkRecord<V = unknown> {
  /**
   * The payload. For `DynamoSink`, a plain object whose fields become the item's attributes, or `null` (a Kafka
   * tombstone) to delete the item the key specs name.
   */
  readonly value: V;
  /** When the record happened: s/ms/µs/ns number (by magnitude), bigint ns, ISO-8601 string or Date. */
  readonly timestamp?: number | bigint | Date | string;
  /** The source's key for the record (a Kafka message key), as text or raw bytes; `name=key` key specs read it. */
  readonly key?: string | Uint8Array | null;
  readonly headers?: Readonly<Record<string, string | Uint8Array | undefined>>;
  readonly topic?: string;
  readonly partition?: number;
  /** The source's position, as a string because Kafka offsets exceed 2^53. */
  readonly offset?: string;
}

/** Why a record could never be written. None of these is retried: the record itself is at fault. */
export type FailureReason =
  /** A key attribute could not be derived: field missing, not a string, empty, over DynamoDB's size limit, no usable timestamp. */
  | 'invalid-key'
  /** A value cannot be represented in DynamoDB: NaN, Infinity, a number beyond 38 digits, a function... */
  | 'invalid-value'
  /** The item is over DynamoDB's 400 KB limit. */
  | 'item-too-large'
  /** DynamoDB itself refused the item (ValidationException) after it was isolated in a request of its own. */
  | 'rejected';

/** A record handed back to the caller, with why. */
export interface RecordFailure<V = unknown> {
  readonly record: SinkRecord<V>;
  /** The record's position in the array passed to `write`. */
  readonly index: number;
  readonly reason: FailureReason;
  /** The field at fault, when one is (a key attribute's source field, or the path of a bad value). */
  readonly field?: string;
  readonly error: Error;
}

/**
 * What `write` resolves to: every record of the call is counted in `written` or `stale`, or listed in `failed`
 * (`written + stale + failed.length` is the number of records passed).
 */
export interface WriteResult<V = unknown> {
  readonly written: number;
  /**
   * Records the destination already held a newer version of (a version-guarded write that lost): not written, and
   * not a failure either; sources move past them as past written ones. Sinks without versions leave it out.
   */
  readonly stale?: number;
  readonly failed: readonly RecordFailure<V>[];
}

/**
 * A destination. Only `write` is required.
 *
 * `write` resolves once every record is durably written or permanently failed (see `WriteResult`).
 * It rejects with a `WriteError` carrying every record not yet written only when writing cannot go on.
 * A sink may throw `SinkBackpressureError` to ask the caller to slow down and retry the same records later.
 */
export interface Sink<V = unknown> {
  write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>>;
  /** Prepare (connect, create tables). Idempotent; `write` calls it when the caller did not. */
  open?(): Promise<void>;
  /** Wait for writes in flight, then release resources. Idempotent. */
  close?(): Promise<void>;
}

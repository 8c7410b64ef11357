import { isSinkBackpressureError, isWriteError, type RecordFailure, type Sink, type SinkRecord } from '@dynamo-sink/core';
import type { DeadLetter, DeadLetterHandler } from './dead-letter.js';
import type { Deserializer, MessageSource } from './deserializer.js';
import { KafkaSinkError, type KafkaPosition } from './errors.js';

/**
 * How each Kafka adapter takes a slice of one partition's messages (`M`, the client's message type) from decoding to
 * done: decode in offset order, write the records in one `sink.write`, then settle every message in offset order
 * (written, or failed and taken by the dead-letter handler). The adapters differ in how they read and commit, not in
 * this.
 */

/**
 * A slice of one partition's messages after decoding, in offset order. Records are kept apart from their messages
 * (no object per message pairing them): `records` holds the accepted messages' records in order, so that the
 * message of `records[r]` is the r-th message not in `refused`.
 */
export interface DecodedSlice<V, M> {
  readonly messages: readonly M[];
  readonly records: SinkRecord<V>[];
  /** The deserializer's errors, by index in `messages`; undefined when it accepted every message. */
  readonly refused: Map<number, Error> | undefined;
}
/** A record's fate in a write: failed for good (to the dead-letter handler), or not written (holds the partition back). */
export type WriteOutcome<V> = RecordFailure<V> | 'unwritten';

/** What one `sink.write` of a slice came to. */
export interface SliceWrite<V> {
  /** The records not simply written: failed ones, and unwritten ones. */
  readonly outcomes: Map<SinkRecord<V>, WriteOutcome<V>>;
  /** Set when the sink pushed back (`SinkBackpressureError`): nothing was written, every record is `unwritten`. */
  readonly retryAfterMs?: number;
  /** Set when the sink rejected otherwise: the error to stop the consumer with, naming the oldest unwritten offset. */
  readonly failure?: KafkaSinkError;
}

/** Decodes messages in order; a deserializer that throws marks its message `invalid-message` instead of stopping. */
export async function decodeMessages<V, M>(
  messages: readonly M[],
  deserializer: Deserializer<V, M>,
  source: MessageSource,
  toRecord: (message: M, value: V) => SinkRecord<V>,
): Promise<DecodedSlice<V, M>> {
  const records: SinkRecord<V>[] = [];
  let refused: Map<number, Error> | undefined;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    try {
      let value = deserializer(message, source);
      // Most deserializers answer at once: an await for each message would cost a turn of the microtask queue each.
      if (isPromiseLike(value)) value = await value;
      records.push(toRecord(message, value as V));
    } catch (error) {
      (refused ??= new Map()).set(index, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return { messages, records, refused };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Writes the slice's records in one call (none when it has none); never rejects. */
export async function writeDecoded<V, M>(sink: Sink<V>, slice: DecodedSlice<V, M>, position: (message: M) => KafkaPosition): Promise<SliceWrite<V>> {
  const { records } = slice;
  const outcomes = new Map<SinkRecord<V>, WriteOutcome<V>>();
  if (records.length === 0) return { outcomes };
  try {
    const result = await sink.write(records);
    for (const failure of result.failed) outcomes.set(records[failure.index]!, failure);
    return { outcomes };
  } catch (error) {
    if (isSinkBackpressureError(error)) {
      // Nothing was written: these offsets stay pending and are handed over again once the partition resumes.
      for (const record of records) outcomes.set(record, 'unwritten');
      return { outcomes, retryAfterMs: error.retryAfterMs };
    }
    // What the sink wrote or failed for good is settled; the rest holds the partition back and stops the consumer.
    const unwritten = isWriteError(error) ? (error.unwritten as readonly SinkRecord<V>[]) : records;
    const unwrittenOffsets = new Set(unwritten.map((record) => record.offset));
    for (const record of records) if (unwrittenOffsets.has(record.offset)) outcomes.set(record, 'unwritten');
    for (const record of unwritten) outcomes.set(record, 'unwritten');
    if (isWriteError(error)) for (const failure of error.failed as readonly RecordFailure<V>[]) outcomes.set(records[failure.index]!, failure);
    const oldest = records.findIndex((record) => outcomes.get(record) === 'unwritten');
    return { outcomes, failure: KafkaSinkError.writeFailed(position(messageOf(slice, Math.max(0, oldest))), error) };
  }
}

/** The message whose record is `records[recordIndex]`. */
function messageOf<V, M>(slice: DecodedSlice<V, M>, recordIndex: number): M {
  if (!slice.refused) return slice.messages[recordIndex]!;
  let r = -1;
  for (let index = 0; index < slice.messages.length; index++) {
    if (!slice.refused.has(index) && ++r === recordIndex) return slice.messages[index]!;
  }
  throw new RangeError(`no message for record ${recordIndex}`);
}

/** What settling a slice needs from the partition that holds it. */
export interface SettleTarget<V, M> {
  readonly onDeadLetter: DeadLetterHandler<V, M> | undefined;
  /** Where a message sits: topic, partition and offset. */
  position(message: M): KafkaPosition;
  /** The message (at `index` in its slice) is done: written, or taken by the dead-letter handler. */
  done(message: M, index: number): void;
  /** Stops the consumer with this error (no handler, or the handler threw); the message stays pending. */
  fail(error: KafkaSinkError): void;
  /** Counts for `run()`'s result. */
  counted(written: number, deadLettered: number): void;
}

/** In offset order: written records are done; undecodable messages and failed records go to the dead-letter handler. */
export async function settleSlice<V, M>(
  slice: DecodedSlice<V, M>,
  outcomes: ReadonlyMap<SinkRecord<V>, WriteOutcome<V>>,
  target: SettleTarget<V, M>,
): Promise<void> {
  const { messages, records, refused } = slice;
  let written = 0;
  let r = 0;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    const error = refused?.get(index);
    if (error) {
      if (!(await deadLetter({ ...target.position(message), message, reason: 'invalid-message', error }, target))) continue;
    } else {
      const record = records[r++]!;
      const outcome = outcomes.size > 0 ? outcomes.get(record) : undefined;
      if (outcome === 'unwritten') continue;
      if (outcome) {
        const letter: DeadLetter<V, M> = { ...target.position(message), message, reason: outcome.reason, error: outcome.error, record };
        if (!(await deadLetter(outcome.field === undefined ? letter : { ...letter, field: outcome.field }, target))) continue;
      } else {
        written += 1;
      }
    }
    target.done(message, index);
  }
  target.counted(written, 0);
}

/** True when the handler took the letter; otherwise the consumer is failing and the offset stays pending. */
async function deadLetter<V, M>(letter: DeadLetter<V, M>, target: SettleTarget<V, M>): Promise<boolean> {
  const handler = target.onDeadLetter;
  if (!handler) {
    target.fail(KafkaSinkError.undeliverable(letter as DeadLetter));
    return false;
  }
  try {
    await handler(letter);
  } catch (error) {
    target.fail(KafkaSinkError.deadLetterFailed(letter as DeadLetter, error));
    return false;
  }
  target.counted(0, 1);
  return true;
}

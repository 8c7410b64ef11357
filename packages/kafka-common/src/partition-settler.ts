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

/** A message the deserializer accepted, with its record. */
export type DecodedRecord<V, M> = { readonly message: M; readonly record: SinkRecord<V> };
/** A message of a slice: decoded, or refused by the deserializer (`invalid-message`). */
export type DecodedMessage<V, M> = DecodedRecord<V, M> | { readonly message: M; readonly error: Error };
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
): Promise<DecodedMessage<V, M>[]> {
  const decoded: DecodedMessage<V, M>[] = [];
  for (const message of messages) {
    try {
      let value = deserializer(message, source);
      // Most deserializers answer at once: an await for each message would cost a turn of the microtask queue each.
      if (isPromiseLike(value)) value = await value;
      decoded.push({ message, record: toRecord(message, value as V) });
    } catch (error) {
      decoded.push({ message, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return decoded;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Writes the slice's decoded records in one call (none when it has none); never rejects. */
export async function writeDecoded<V, M>(sink: Sink<V>, slice: readonly DecodedMessage<V, M>[], position: (message: M) => KafkaPosition): Promise<SliceWrite<V>> {
  const toWrite = slice.filter((entry): entry is DecodedRecord<V, M> => 'record' in entry);
  const records = toWrite.map((entry) => entry.record);
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
    const oldest = toWrite.find((entry) => outcomes.get(entry.record) === 'unwritten') ?? toWrite[0]!;
    return { outcomes, failure: KafkaSinkError.writeFailed(position(oldest.message), error) };
  }
}

/** What settling a slice needs from the partition that holds it. */
export interface SettleTarget<V, M> {
  readonly onDeadLetter: DeadLetterHandler<V, M> | undefined;
  /** Where a message sits: topic, partition and offset. */
  position(message: M): KafkaPosition;
  /** The message is done: written, or taken by the dead-letter handler. */
  done(message: M): void;
  /** Stops the consumer with this error (no handler, or the handler threw); the message stays pending. */
  fail(error: KafkaSinkError): void;
  /** Counts for `run()`'s result. */
  counted(written: number, deadLettered: number): void;
}

/** In offset order: written records are done; undecodable messages and failed records go to the dead-letter handler. */
export async function settleSlice<V, M>(
  slice: readonly DecodedMessage<V, M>[],
  outcomes: ReadonlyMap<SinkRecord<V>, WriteOutcome<V>>,
  target: SettleTarget<V, M>,
): Promise<void> {
  let written = 0;
  for (const entry of slice) {
    const { message } = entry;
    const outcome = 'record' in entry ? outcomes.get(entry.record) : undefined;
    if (outcome === 'unwritten') continue;
    if ('error' in entry) {
      if (!(await deadLetter({ ...target.position(message), message, reason: 'invalid-message', error: entry.error }, target))) continue;
    } else if (outcome) {
      const letter: DeadLetter<V, M> = { ...target.position(message), message, reason: outcome.reason, error: outcome.error, record: entry.record };
      if (!(await deadLetter(outcome.field === undefined ? letter : { ...letter, field: outcome.field }, target))) continue;
    } else {
      written += 1;
    }
    target.done(message);
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

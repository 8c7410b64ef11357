import { isSinkBackpressureError, isWriteError, type RecordFailure, type SinkRecord } from '@dynamo-sink/core';
import type { DeadLetterReason } from '@dynamo-sink/kafka-common';
import type { BatchSummary } from './batch-summary.js';
import type { DeadLetter, EventSourceKind } from './dead-letter.js';
import type { ResolvedHandlerOptions } from './options.js';
import { runLimited } from './run-limited.js';
import { EXPIRED, type TimeBudget } from './time-budget.js';

/**
 * How every handler takes an event's records from decoding to done, whatever the source: decode each message, write
 * the records in `sink.write` calls while time remains, hand what can never be written to `onDeadLetter`, and say of
 * each record whether it is done. The handlers differ only in how they read their event and how they report.
 */

/** One record of the event, as a handler hands it over. */
export interface BatchEntry<M> {
  /** Its identity in the source (see `DeadLetter.id`). */
  readonly id: string;
  /** What the deserializer and `onDeadLetter` see. */
  readonly message: M;
}

/**
 * A record's fate. `written` (stale ones included) and `dead-lettered` are done; `failed` (can never be written, and
 * not taken by `onDeadLetter`) and `unwritten` are reported to Lambda.
 */
export type EntryStatus = 'written' | 'dead-lettered' | 'failed' | 'unwritten';

/** What settling an event came to: each entry's status (by position) and the counts. */
export interface Settlement {
  readonly statuses: readonly EntryStatus[];
  readonly summary: BatchSummary;
  /** True when a `sink.write` rejected (writing could not go on). */
  readonly writeRejected: boolean;
}

/** The handler's side of settling: its source, its entries and how a message's value becomes a record. */
export interface SettleInput<V, M> {
  readonly source: EventSourceKind;
  readonly entries: readonly BatchEntry<M>[];
  readonly toRecord: (message: M, value: V) => SinkRecord<V>;
}

/** A record that can never be written: refused by the deserializer, or failed by the sink. */
interface Poison<V> {
  readonly index: number;
  readonly reason: DeadLetterReason;
  readonly field?: string;
  readonly error: Error;
  readonly record?: SinkRecord<V>;
}

/** A decoded record and its entry's position. */
interface Decoded<V> {
  readonly index: number;
  readonly record: SinkRecord<V>;
}

/** Settles an event's entries within the budget; never rejects (the deserializer, sink and handler may). */
export async function settleBatch<V, M>(input: SettleInput<V, M>, options: ResolvedHandlerOptions<V, M>, budget: TimeBudget): Promise<Settlement> {
  const { entries } = input;
  // Until proven otherwise, a record is unwritten: whatever the budget cuts off stays reported.
  const statuses: EntryStatus[] = entries.map(() => 'unwritten');
  const poison: Poison<V>[] = [];
  const decoded: Decoded<V>[] = [];
  for (let index = 0; index < entries.length && !budget.isOver; index++) {
    const { message } = entries[index]!;
    try {
      decoded.push({ index, record: input.toRecord(message, await options.deserializer(message)) });
    } catch (error) {
      poison.push({ index, reason: 'invalid-message', error: asError(error) });
    }
  }

  const errors: unknown[] = [];
  const writes = await writeRecords(decoded, options, budget);
  for (const { index } of writes.written) statuses[index] = 'written';
  poison.push(...writes.failed);
  if (writes.rejected) errors.push(writes.rejection);

  await deadLetter(poison.sort((a, b) => a.index - b.index), input, options, budget, statuses, errors);

  const count = (status: EntryStatus) => statuses.reduce((sum, each) => (each === status ? sum + 1 : sum), 0);
  const summary: BatchSummary = {
    source: input.source,
    records: entries.length,
    written: count('written') - writes.stale,
    stale: writes.stale,
    deadLettered: count('dead-lettered'),
    failed: count('failed'),
    unwritten: count('unwritten'),
    timedOut: budget.isOver && statuses.some((status) => status === 'unwritten' || status === 'failed'),
    errors,
  };
  return { statuses, summary, writeRejected: writes.rejected };
}

/** What the writes came to: records written (stale ones included), records failed for good, and why writing stopped. */
interface Writes<V> {
  readonly written: Decoded<V>[];
  readonly failed: Poison<V>[];
  readonly stale: number;
  /** True when a call rejected (with `rejection`, the first such error). */
  readonly rejected: boolean;
  readonly rejection: unknown;
}

/**
 * Writes the records in calls of `recordsPerWrite`, `writesInFlight` at once, in order. Starts no call once the
 * budget is over or a call rejected; a call still running at the deadline counts as not written (it runs on, and may
 * land: puts are idempotent, and its records come back on Lambda's retry).
 */
async function writeRecords<V, M>(decoded: readonly Decoded<V>[], options: ResolvedHandlerOptions<V, M>, budget: TimeBudget): Promise<Writes<V>> {
  const chunks: Decoded<V>[][] = [];
  for (let start = 0; start < decoded.length; start += options.recordsPerWrite) chunks.push(decoded.slice(start, start + options.recordsPerWrite));
  const writes = { written: [] as Decoded<V>[], failed: [] as Poison<V>[], stale: 0, rejected: false, rejection: undefined as unknown };

  await runLimited(chunks, options.writesInFlight, () => writes.rejected || budget.isOver, async (chunk) => {
    const records = chunk.map((entry) => entry.record);
    for (;;) {
      const outcome = await budget.race(
        // Through a promise, so that a sink throwing instead of rejecting is a rejection too.
        Promise.resolve()
          .then(() => options.sink.write(records))
          .then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          ),
      );
      if (outcome === EXPIRED) return;
      if ('result' in outcome) {
        const failed = new Map(outcome.result.failed.map((failure) => [failure.index, failure]));
        chunk.forEach((entry, position) => {
          const failure = failed.get(position);
          if (failure) writes.failed.push(poisonOf(entry, failure));
          else writes.written.push(entry);
        });
        writes.stale += outcome.result.stale ?? 0;
        return;
      }
      const { error } = outcome;
      if (isSinkBackpressureError(error)) {
        // Nothing was written: offer the same records again once the sink asks, if time allows.
        if (await budget.sleep(error.retryAfterMs)) continue;
        return;
      }
      if (!writes.rejected) writes.rejection = error;
      writes.rejected = true;
      if (!isWriteError(error)) return;
      // The sink wrote part of the call: what it failed for good is poison, what it left unwritten stays reported.
      const failed = new Map((error.failed as readonly RecordFailure<V>[]).map((failure) => [failure.index, failure]));
      const unwritten = new Set<SinkRecord<V>>(error.unwritten as readonly SinkRecord<V>[]);
      chunk.forEach((entry, position) => {
        const failure = failed.get(position);
        if (failure) writes.failed.push(poisonOf(entry, failure));
        else if (!unwritten.has(entry.record)) writes.written.push(entry);
      });
      return;
    }
  });
  return writes;
}

/** Hands each poison record to `onDeadLetter` (started in event order) while time remains; marks what it took. */
async function deadLetter<V, M>(
  poison: readonly Poison<V>[],
  input: SettleInput<V, M>,
  options: ResolvedHandlerOptions<V, M>,
  budget: TimeBudget,
  statuses: EntryStatus[],
  errors: unknown[],
): Promise<void> {
  const handler = options.onDeadLetter;
  for (const { index } of poison) statuses[index] = 'failed';
  if (!handler) return;
  await runLimited(poison, options.writesInFlight, () => budget.isOver, async (item) => {
    const entry = input.entries[item.index]!;
    const letter: DeadLetter<V, M> = {
      source: input.source,
      id: entry.id,
      message: entry.message,
      reason: item.reason,
      ...(item.field === undefined ? {} : { field: item.field }),
      error: item.error,
      ...(item.record === undefined ? {} : { record: item.record }),
    };
    const outcome = await budget.race(
      Promise.resolve()
        .then(() => handler(letter))
        .then(
          () => 'taken' as const,
          (error: unknown) => ({ error }),
        ),
    );
    if (outcome === 'taken') statuses[item.index] = 'dead-lettered';
    else if (outcome !== EXPIRED) errors.push(outcome.error);
  });
}

function poisonOf<V>(entry: Decoded<V>, failure: RecordFailure<V>): Poison<V> {
  return {
    index: entry.index,
    reason: failure.reason,
    ...(failure.field === undefined ? {} : { field: failure.field }),
    error: failure.error,
    record: entry.record,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Written (or stale) or taken by `onDeadLetter`: nothing to report. */
export function isDone(status: EntryStatus): boolean {
  return status === 'written' || status === 'dead-lettered';
}

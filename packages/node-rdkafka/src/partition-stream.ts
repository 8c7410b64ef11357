import { CommitTracker, isSinkBackpressureError, isWriteError, type RecordFailure, type SinkRecord } from '@dynamo-sink/core';
import { KafkaSinkError, type KafkaPosition } from '@dynamo-sink/core/kafka';
import type { Message } from 'node-rdkafka';
import type { DeadLetter } from './dead-letter.js';
import type { ResolvedOptions } from './options.js';
import { toSinkRecord } from './to-sink-record.js';

/** What a partition's stream needs from the consumer that owns it. */
export interface StreamHost<V> {
  readonly options: ResolvedOptions<V>;
  /** False once the consumer is stopping or has failed: hand nothing more to the sink. */
  isActive(): boolean;
  /** Stops the consumer with this error (the first one wins). */
  fail(error: KafkaSinkError): void;
  /** The sink pushed back: pause this partition for `retryAfterMs`, then call `stream.retryAfterBackOff()`. */
  backOff(stream: PartitionStream<V>, retryAfterMs: number): void;
  /** Counts for `run()`'s result. */
  counted(written: number, deadLettered: number): void;
  /** A write settled: the commit point or the buffered count may have moved. */
  progressed(): void;
}

type Decoded<V> = { readonly message: Message; readonly record: SinkRecord<V> };
type DecodedMessage<V> = Decoded<V> | { readonly message: Message; readonly error: Error };
/** A record's fate in a write: failed for good (to the dead-letter handler), or not written (holds the partition back). */
type Outcome<V> = RecordFailure<V> | 'unwritten';

/**
 * One assigned partition, from the messages read to the offset it may commit. Messages are cut into writes of up to
 * `recordsPerWrite` (whatever is queued when a write slot frees up, so writes grow as the sink slows), issued in
 * offset order, up to `writesInFlightPerPartition` at once. A message is done when written, or failed and taken by
 * `onDeadLetter`; the partition may commit one past the last offset of the done prefix, so a failure anywhere holds
 * every later offset back.
 */
export class PartitionStream<V> {
  readonly topic: string;
  readonly partition: number;
  private tracker = new CommitTracker();
  /** Every message read and not yet in the done prefix, in offset order: what a back-off hands over again. */
  private window: Message[] = [];
  private windowStart = 0;
  /** The suffix of the window not handed to the sink yet. */
  private queue: Message[] = [];
  private lastRead: number | undefined;
  /** The last offset of the done prefix, kept across back-offs (which start a new tracker). */
  private doneThrough: bigint | undefined;
  private readonly writes = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private closed = false;
  private backingOff = false;

  constructor(
    topic: string,
    partition: number,
    private readonly host: StreamHost<V>,
  ) {
    this.topic = topic;
    this.partition = partition;
  }

  /** Records read and not yet in the done prefix: what this partition holds in memory. */
  get buffered(): number {
    return this.window.length - this.windowStart;
  }

  /** The offset to commit (one past the done prefix), if any message is done. */
  get commitOffset(): bigint | undefined {
    return this.doneThrough === undefined ? undefined : this.doneThrough + 1n;
  }

  /** Takes messages read from this partition, in offset order, and hands them to the sink as write slots free up. */
  push(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const message of messages) {
      // After a pause librdkafka may hand over a message again; it is already tracked.
      if (this.lastRead !== undefined && message.offset <= this.lastRead) continue;
      this.lastRead = message.offset;
      this.tracker.track(BigInt(message.offset));
      this.window.push(message);
      this.queue.push(message);
    }
    this.pump();
  }

  /**
   * Hands nothing more to the sink and drops what it did not hand over yet (never committed, so read again by the
   * partition's next owner); resolves once the writes in flight have settled.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    await this.idle();
  }

  /**
   * After a back-off: hands everything past the done prefix to the sink again, in offset order, including records
   * that later writes did land, so that the newest record of a key still lands last.
   */
  async retryAfterBackOff(): Promise<void> {
    await this.idle();
    if (this.closed) return;
    this.tracker = new CommitTracker();
    this.window = this.window.slice(this.windowStart);
    this.windowStart = 0;
    for (const message of this.window) this.tracker.track(BigInt(message.offset));
    this.queue = [...this.window];
    this.backingOff = false;
    this.pump();
  }

  private async idle(): Promise<void> {
    while (this.pumping || this.writes.size > 0) {
      await this.pumping;
      await Promise.all(this.writes);
    }
  }

  private mayHandOver(): boolean {
    return !this.closed && !this.backingOff && this.host.isActive();
  }

  private pump(): void {
    if (this.pumping || !this.mayHandOver() || this.queue.length === 0) return;
    this.pumping = (async () => {
      const { recordsPerWrite, writesInFlightPerPartition } = this.host.options;
      while (this.mayHandOver() && this.queue.length > 0) {
        if (this.writes.size >= writesInFlightPerPartition) {
          await Promise.race(this.writes);
          continue;
        }
        // Decoded here, in order, so that write calls are issued in offset order: a sink that keeps per-key order
        // across concurrent calls (DynamoSink) then lands the newest record of a key last.
        const slice = await this.decode(this.queue.splice(0, recordsPerWrite));
        if (!this.mayHandOver()) break; // still in the window: written after a back-off, or dropped on close
        const write = this.writeSlice(slice).finally(() => this.writes.delete(write));
        this.writes.add(write);
      }
    })().finally(() => {
      this.pumping = undefined;
    });
  }

  private async decode(messages: readonly Message[]): Promise<DecodedMessage<V>[]> {
    const decoded: DecodedMessage<V>[] = [];
    for (const message of messages) {
      try {
        const value = await this.host.options.deserializer(message, { topic: this.topic, partition: this.partition });
        decoded.push({ message, record: toSinkRecord(message, value) });
      } catch (error) {
        decoded.push({ message, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
    return decoded;
  }

  /** Writes one slice and settles each of its messages; never rejects: every outcome lands on the stream or the host. */
  private async writeSlice(slice: DecodedMessage<V>[]): Promise<void> {
    const toWrite = slice.filter((entry): entry is Decoded<V> => 'record' in entry);
    const records = toWrite.map((entry) => entry.record);
    const outcomes = new Map<SinkRecord<V>, Outcome<V>>();
    let backedOff = false;
    if (records.length > 0) {
      try {
        const result = await this.host.options.sink.write(records);
        for (const failure of result.failed) outcomes.set(records[failure.index]!, failure);
      } catch (error) {
        if (isSinkBackpressureError(error)) {
          // Nothing was written: the whole window is handed over again once the partition resumes.
          backedOff = true;
          if (!this.backingOff) {
            this.backingOff = true;
            this.host.backOff(this, error.retryAfterMs);
          }
        } else {
          // What the sink wrote or failed for good is settled; the rest holds the partition back and stops the consumer.
          const unwritten = isWriteError(error) ? (error.unwritten as readonly SinkRecord<V>[]) : records;
          const unwrittenOffsets = new Set(unwritten.map((record) => record.offset));
          for (const record of records) if (unwrittenOffsets.has(record.offset)) outcomes.set(record, 'unwritten');
          for (const record of unwritten) outcomes.set(record, 'unwritten');
          if (isWriteError(error)) for (const failure of error.failed as readonly RecordFailure<V>[]) outcomes.set(records[failure.index]!, failure);
          const oldest = toWrite.find((entry) => outcomes.get(entry.record) === 'unwritten') ?? toWrite[0]!;
          this.host.fail(KafkaSinkError.writeFailed(this.at(oldest.message), error));
        }
      }
    }
    // A back-off settles nothing, not even this slice's bad messages: all of it is handed over again.
    if (!backedOff) await this.settle(slice, outcomes);
    this.host.progressed();
  }

  /** In offset order: written records are done; undecodable messages and failed records go to the dead-letter handler. */
  private async settle(slice: DecodedMessage<V>[], outcomes: Map<SinkRecord<V>, Outcome<V>>): Promise<void> {
    let written = 0;
    for (const entry of slice) {
      const { message } = entry;
      const outcome = 'record' in entry ? outcomes.get(entry.record) : undefined;
      if (outcome === 'unwritten') continue;
      if ('error' in entry) {
        if (!(await this.deadLetter({ ...this.at(message), message, reason: 'invalid-message', error: entry.error }))) continue;
      } else if (outcome) {
        const letter: DeadLetter<V> = { ...this.at(message), message, reason: outcome.reason, error: outcome.error, record: entry.record };
        if (!(await this.deadLetter(outcome.field === undefined ? letter : { ...letter, field: outcome.field }))) continue;
      } else {
        written += 1;
      }
      this.tracker.done(BigInt(message.offset));
    }
    this.host.counted(written, 0);
    this.advanceDonePrefix();
  }

  /** True when the handler took the letter; otherwise the consumer is failing and the offset stays pending. */
  private async deadLetter(letter: DeadLetter<V>): Promise<boolean> {
    const handler = this.host.options.onDeadLetter;
    if (!handler) {
      this.host.fail(KafkaSinkError.undeliverable(letter as DeadLetter));
      return false;
    }
    try {
      await handler(letter);
    } catch (error) {
      this.host.fail(KafkaSinkError.deadLetterFailed(letter as DeadLetter, error));
      return false;
    }
    this.host.counted(0, 1);
    return true;
  }

  private advanceDonePrefix(): void {
    const done = this.tracker.committed;
    if (done === undefined || (this.doneThrough !== undefined && done <= this.doneThrough)) return;
    this.doneThrough = done;
    while (this.windowStart < this.window.length && BigInt(this.window[this.windowStart]!.offset) <= done) this.windowStart++;
    // Drop the done prefix once it is the larger half, so the window stays proportional to what is pending.
    if (this.windowStart > 1024 && this.windowStart * 2 > this.window.length) {
      this.window = this.window.slice(this.windowStart);
      this.windowStart = 0;
    }
  }

  private at(message: Message): KafkaPosition {
    return { topic: this.topic, partition: this.partition, offset: String(message.offset) };
  }
}

import { CommitTracker } from '@dynamo-sink/core';
import { decodeMessages, settleSlice, writeDecoded, type DecodedSlice, type KafkaPosition, type KafkaSinkError, type SettleTarget } from '@dynamo-sink/kafka-common';
import type { Message } from 'node-rdkafka';
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
  /** node-rdkafka's offsets are numbers: tracked as they are, with no bigint per message. */
  private tracker = new CommitTracker<number>();
  /** Every message read and not yet in the done prefix, in offset order: what a back-off hands over again. */
  private window: Message[] = [];
  private windowStart = 0;
  /** The suffix of the window not handed to the sink yet. */
  private queue: Message[] = [];
  private lastRead: number | undefined;
  /** The last offset of the done prefix, kept across back-offs (which start a new tracker). */
  private doneThrough: number | undefined;
  private readonly writes = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private closed = false;
  private backingOff = false;
  private readonly settleTarget: SettleTarget<V, Message>;

  constructor(
    topic: string,
    partition: number,
    private readonly host: StreamHost<V>,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.settleTarget = {
      onDeadLetter: host.options.onDeadLetter,
      position: (message) => this.at(message),
      done: (message) => this.tracker.done(message.offset),
      fail: (error) => this.host.fail(error),
      counted: (written, deadLettered) => this.host.counted(written, deadLettered),
    };
  }

  /** Records read and not yet in the done prefix: what this partition holds in memory. */
  get buffered(): number {
    return this.window.length - this.windowStart;
  }

  /** The offset to commit (one past the done prefix), if any message is done. */
  get commitOffset(): bigint | undefined {
    return this.doneThrough === undefined ? undefined : BigInt(this.doneThrough) + 1n;
  }

  /** Takes messages read from this partition, in offset order, and hands them to the sink as write slots free up. */
  push(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const message of messages) {
      // After a pause librdkafka may hand over a message again; it is already tracked.
      if (this.lastRead !== undefined && message.offset <= this.lastRead) continue;
      this.lastRead = message.offset;
      this.tracker.track(message.offset);
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
    this.tracker = new CommitTracker<number>();
    this.window = this.window.slice(this.windowStart);
    this.windowStart = 0;
    for (const message of this.window) this.tracker.track(message.offset);
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

  private decode(messages: readonly Message[]): Promise<DecodedSlice<V, Message>> {
    return decodeMessages(messages, this.host.options.deserializer, { topic: this.topic, partition: this.partition }, toSinkRecord);
  }

  /** Writes one slice and settles each of its messages; never rejects: every outcome lands on the stream or the host. */
  private async writeSlice(slice: DecodedSlice<V, Message>): Promise<void> {
    const { outcomes, retryAfterMs, failure } = await writeDecoded(this.host.options.sink, slice, (message) => this.at(message));
    if (retryAfterMs !== undefined) {
      // Nothing was written: the whole window is handed over again once the partition resumes. A back-off settles
      // nothing, not even this slice's bad messages: all of it is handed over again.
      if (!this.backingOff) {
        this.backingOff = true;
        this.host.backOff(this, retryAfterMs);
      }
    } else {
      if (failure) this.host.fail(failure);
      await settleSlice(slice, outcomes, this.settleTarget);
      this.advanceDonePrefix();
    }
    this.host.progressed();
  }

  private advanceDonePrefix(): void {
    const done = this.tracker.committed;
    if (done === undefined || (this.doneThrough !== undefined && done <= this.doneThrough)) return;
    this.doneThrough = done;
    // Done messages are let go at once (not at the next compaction): kept alive, they get promoted to the old generation.
    while (this.windowStart < this.window.length && this.window[this.windowStart]!.offset <= done) this.window[this.windowStart++] = undefined as never;
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

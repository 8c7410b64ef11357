import { CommitTracker } from '@dynamo-sink/core';
import type { CommitEvent } from '../commit-event.js';
import type { KafkaPosition, KafkaSinkError } from '../errors.js';
import type { ResolvedKafkaSinkOptions } from '../kafka-options.js';
import { decodeMessages, settleSlice, writeDecoded, type DecodedSlice, type SettleTarget } from '../partition-settler.js';
import type { EachBatchPayloadLike, MessageOf } from './each-batch-api.js';
import { eachBatchRecord } from './each-batch-record.js';

/** The settings a batch runs with: the shared options, and how often to heartbeat while writes are pending. */
export interface BatchSettings<V, M> extends ResolvedKafkaSinkOptions<V, M> {
  readonly heartbeatEveryMs: number;
}

/** What a batch needs from the consumer that runs it; `P` is the client's eachBatch payload. */
export interface BatchHost<V, P extends EachBatchPayloadLike> {
  readonly settings: BatchSettings<V, MessageOf<P>>;
  /** False once the consumer is stopping or has failed: hand nothing more to the sink. */
  isActive(): boolean;
  /** Stops the consumer with this error (the first one wins). */
  fail(error: KafkaSinkError): void;
  /** The sink pushed back: pause the partition for `retryAfterMs`. */
  backOff(topic: string, partition: number, retryAfterMs: number): void;
  /** Counts for `run()`'s result. */
  counted(written: number, deadLettered: number): void;
  /** Commits the partition at `commit.offset` (the next offset to read); rejects when the broker refused. */
  commit(payload: P, commit: CommitEvent): Promise<void>;
  /** True for an error saying this member is leaving the generation: its partitions may go to someone else. */
  isMembershipLost(error: unknown): boolean;
}

/**
 * One fetched batch of one partition, from hand-over to commit. Both clients hand a partition to one `eachBatch` at a
 * time, so this batch's tracker is the partition's only one while it runs.
 *
 * The batch is cut into writes of `recordsPerWrite`, up to `writesInFlightPerPartition` at once. A record is done
 * when written, or failed and taken by `onDeadLetter`; after each write the partition commits one past the last
 * offset of the done prefix (the tracker's `committed`), so a failure anywhere holds every later offset back. The
 * tracker counts messages by their index in the batch: no bigint per offset.
 * `run()` returns only when every write it started has settled and its commit is sent: neither client gives the
 * partition up, nor lets `disconnect()` return, before `eachBatch` does, so writes in flight are committed before
 * the partition is given up. It rejects with the error that lost the membership or failed a commit, if any.
 */
export class PartitionBatch<V, P extends EachBatchPayloadLike> {
  private readonly tracker = new CommitTracker<number>();
  private readonly writes = new Set<Promise<void>>();
  private readonly topic: string;
  private readonly partition: number;
  /** Set when this batch must hand nothing more to the sink: a failure, backpressure, a commit error. */
  private halted = false;
  /** The heartbeat or a commit said the group is rebalancing (or dropped us). */
  private membershipLost: unknown;
  private commitError: unknown;
  private commits: Promise<void> = Promise.resolve();
  /** The batch index of the last message committed. */
  private lastCommitted: number | undefined;
  private heartbeatInFlight = false;
  /** How slices settle, but for `done`: each slice marks its messages by their index in the batch (writeSlice). */
  private readonly settleTarget: Omit<SettleTarget<V, MessageOf<P>>, 'done'>;

  constructor(
    private readonly payload: P,
    private readonly host: BatchHost<V, P>,
  ) {
    this.topic = payload.batch.topic;
    this.partition = payload.batch.partition;
    this.settleTarget = {
      onDeadLetter: host.settings.onDeadLetter,
      position: (message) => this.at(message),
      fail: (error) => {
        this.halted = true;
        this.host.fail(error);
      },
      counted: (written, deadLettered) => this.host.counted(written, deadLettered),
    };
  }

  async run(): Promise<void> {
    const { messages } = this.payload.batch;
    const { recordsPerWrite, writesInFlightPerPartition, heartbeatEveryMs } = this.host.settings;
    for (let index = 0; index < messages.length; index++) this.tracker.track(index);

    const heartbeats = setInterval(() => this.heartbeat(), heartbeatEveryMs);
    try {
      for (let start = 0; start < messages.length && this.mayContinue(); start += recordsPerWrite) {
        while (this.writes.size >= writesInFlightPerPartition) await Promise.race(this.writes);
        if (!this.mayContinue()) break;
        // Decoded here, in order, so that write calls are issued in offset order: a sink that keeps per-key order
        // across concurrent calls (DynamoSink) then lands the newest record of a key last.
        const slice = await this.decode(messages.slice(start, start + recordsPerWrite));
        const write = this.writeSlice(slice, start).finally(() => this.writes.delete(write));
        this.writes.add(write);
      }
      await Promise.all(this.writes);
      await this.commits;
    } finally {
      clearInterval(heartbeats);
    }
    if (this.membershipLost) throw this.membershipLost;
    if (this.commitError) throw this.commitError;
  }

  private mayContinue(): boolean {
    return !this.halted && !this.membershipLost && this.host.isActive() && this.payload.isRunning() && !this.payload.isStale();
  }

  private decode(messages: readonly MessageOf<P>[]): Promise<DecodedSlice<V, MessageOf<P>>> {
    const source = { topic: this.topic, partition: this.partition };
    return decodeMessages(messages, this.host.settings.deserializer, source, (message, value) => eachBatchRecord(message, value, this.topic, this.partition));
  }

  /**
   * Writes one slice (the batch's messages from `start`) and settles each of its messages; never rejects: every
   * outcome lands on the batch or the host.
   */
  private async writeSlice(slice: DecodedSlice<V, MessageOf<P>>, start: number): Promise<void> {
    const { outcomes, retryAfterMs, failure } = await writeDecoded(this.host.settings.sink, slice, (message) => this.at(message));
    if (retryAfterMs !== undefined) {
      // Nothing was written: these offsets stay pending and are fetched again once the partition resumes.
      this.halted = true;
      this.host.backOff(this.topic, this.partition, retryAfterMs);
    } else if (failure) {
      this.halted = true;
      this.host.fail(failure);
    }
    await settleSlice(slice, outcomes, { ...this.settleTarget, done: (_, index) => this.tracker.done(start + index) });
    this.scheduleCommit();
  }

  /** Commits run one after another, each with the latest done prefix, so a slow commit never lands after a newer one. */
  private scheduleCommit(): void {
    this.commits = this.commits
      .then(() => this.commit())
      .catch((error: unknown) => {
        this.halted = true;
        this.commitError ??= error; // onCommit threw
      });
  }

  private async commit(): Promise<void> {
    const last = this.tracker.committed;
    if (last === undefined || (this.lastCommitted !== undefined && last <= this.lastCommitted)) return;
    const { offset } = this.payload.batch.messages[last]!;
    // The next fetch of this partition starts after the done prefix, whatever happens to the commit.
    this.payload.resolveOffset(offset);
    const commit: CommitEvent = { topic: this.topic, partition: this.partition, offset: (BigInt(offset) + 1n).toString() };
    try {
      await this.host.commit(this.payload, commit);
    } catch (error) {
      // Not committed, still written: the records are read again by whoever owns the partition next (at least once).
      this.halted = true;
      if (this.host.isMembershipLost(error)) this.membershipLost ??= error;
      else this.commitError ??= error;
      return;
    }
    this.lastCommitted = last;
    this.commitError = undefined; // a later commit covers an earlier one that failed
    this.host.settings.onCommit?.(commit);
  }

  /** Keeps the membership alive while writes are pending; keeps beating after a rebalance starts, or the group drops us. */
  private heartbeat(): void {
    if (this.heartbeatInFlight) return;
    this.heartbeatInFlight = true;
    this.payload
      .heartbeat()
      .catch((error: unknown) => {
        if (this.host.isMembershipLost(error)) this.membershipLost ??= error;
      })
      .finally(() => {
        this.heartbeatInFlight = false;
      });
  }

  private at(message: MessageOf<P>): KafkaPosition {
    return { topic: this.topic, partition: this.partition, offset: message.offset };
  }
}

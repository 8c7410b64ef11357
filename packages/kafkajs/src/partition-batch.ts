import { CommitTracker } from '@dynamo-sink/core';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { decodeMessages, KafkaSinkError, settleSlice, writeDecoded, type DecodedMessage, type KafkaPosition, type SettleTarget } from '@dynamo-sink/core/kafka';
import type { ResolvedOptions } from './options.js';
import { toSinkRecord } from './to-sink-record.js';

/** What a batch needs from the consumer that runs it. */
export interface BatchHost<V> {
  readonly options: ResolvedOptions<V>;
  /** False once the consumer is stopping or has failed: hand nothing more to the sink. */
  isActive(): boolean;
  /** Stops the consumer with this error (the first one wins). */
  fail(error: KafkaSinkError): void;
  /** The sink pushed back: pause the partition for `retryAfterMs`. */
  backOff(topic: string, partition: number, retryAfterMs: number): void;
  /** Counts for `run()`'s result. */
  counted(written: number, deadLettered: number): void;
}

/** Errors that mean this member is leaving the generation: the partitions may be given to someone else. */
const MEMBERSHIP_LOST = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);
const isMembershipLost = (error: unknown) => MEMBERSHIP_LOST.has((error as { type?: string })?.type ?? '');

/**
 * One fetched batch of one partition, from hand-over to commit. kafkajs hands a partition to one `eachBatch` at a
 * time, so this batch's tracker is the partition's only one while it runs.
 *
 * The batch is cut into writes of `recordsPerWrite`, up to `writesInFlightPerPartition` at once. A record is done
 * when written, or failed and taken by `onDeadLetter`; after each write the partition commits one past the last
 * offset of the done prefix (the tracker's `committed`), so a failure anywhere holds every later offset back.
 * `run()` returns only when every write it started has settled and its commit is sent: kafkajs does not rejoin the
 * group, nor let `stop()` return, before `eachBatch` does, so writes in flight are committed before the partition
 * is given up.
 */
export class PartitionBatch<V> {
  private readonly tracker = new CommitTracker();
  private readonly writes = new Set<Promise<void>>();
  private readonly topic: string;
  private readonly partition: number;
  /** Set when this batch must hand nothing more to the sink: a failure, backpressure, a commit error. */
  private halted = false;
  /** The heartbeat or a commit said the group is rebalancing (or dropped us); rethrown to kafkajs so it rejoins. */
  private membershipLost: unknown;
  private commitError: unknown;
  private commits: Promise<void> = Promise.resolve();
  private lastCommitted: bigint | undefined;
  private heartbeatInFlight = false;
  private readonly settleTarget: SettleTarget<V, KafkaMessage>;

  constructor(
    private readonly payload: EachBatchPayload,
    private readonly host: BatchHost<V>,
  ) {
    this.topic = payload.batch.topic;
    this.partition = payload.batch.partition;
    this.settleTarget = {
      onDeadLetter: host.options.onDeadLetter,
      position: (message) => this.at(message),
      done: (message) => this.tracker.done(BigInt(message.offset)),
      fail: (error) => {
        this.halted = true;
        this.host.fail(error);
      },
      counted: (written, deadLettered) => this.host.counted(written, deadLettered),
    };
  }

  async run(): Promise<void> {
    const { messages } = this.payload.batch;
    const { recordsPerWrite, writesInFlightPerPartition, heartbeatEveryMs } = this.host.options;
    for (const message of messages) this.tracker.track(BigInt(message.offset));

    const heartbeats = setInterval(() => this.heartbeat(), heartbeatEveryMs);
    try {
      for (let start = 0; start < messages.length && this.mayContinue(); start += recordsPerWrite) {
        while (this.writes.size >= writesInFlightPerPartition) await Promise.race(this.writes);
        if (!this.mayContinue()) break;
        // Decoded here, in order, so that write calls are issued in offset order: a sink that keeps per-key order
        // across concurrent calls (DynamoSink) then lands the newest record of a key last.
        const slice = await this.decode(messages.slice(start, start + recordsPerWrite));
        const write = this.writeSlice(slice).finally(() => this.writes.delete(write));
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

  private decode(messages: readonly KafkaMessage[]): Promise<DecodedMessage<V, KafkaMessage>[]> {
    const source = { topic: this.topic, partition: this.partition };
    return decodeMessages(messages, this.host.options.deserializer, source, (message, value) => toSinkRecord(message, value, this.topic, this.partition));
  }

  /** Writes one slice and settles each of its messages; never rejects: every outcome lands on the batch or the host. */
  private async writeSlice(slice: DecodedMessage<V, KafkaMessage>[]): Promise<void> {
    const { outcomes, retryAfterMs, failure } = await writeDecoded(this.host.options.sink, slice, (message) => this.at(message));
    if (retryAfterMs !== undefined) {
      // Nothing was written: these offsets stay pending and are fetched again once the partition resumes.
      this.halted = true;
      this.host.backOff(this.topic, this.partition, retryAfterMs);
    } else if (failure) {
      this.halted = true;
      this.host.fail(failure);
    }
    await settleSlice(slice, outcomes, this.settleTarget);
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
    // The next fetch of this partition starts after the done prefix, whatever happens to the commit.
    this.payload.resolveOffset(last.toString());
    const offset = (last + 1n).toString();
    try {
      await this.payload.commitOffsetsIfNecessary({ topics: [{ topic: this.topic, partitions: [{ partition: this.partition, offset }] }] });
    } catch (error) {
      // Not committed, still written: the records are read again by whoever owns the partition next (at least once).
      this.halted = true;
      if (isMembershipLost(error)) this.membershipLost ??= error;
      else this.commitError ??= error;
      return;
    }
    this.lastCommitted = last;
    this.commitError = undefined; // a later commit covers an earlier one that failed
    this.host.options.onCommit?.({ topic: this.topic, partition: this.partition, offset });
  }

  /** Keeps the membership alive while writes are pending; keeps beating after a rebalance starts, or the group drops us. */
  private heartbeat(): void {
    if (this.heartbeatInFlight) return;
    this.heartbeatInFlight = true;
    this.payload
      .heartbeat()
      .catch((error: unknown) => {
        if (isMembershipLost(error)) this.membershipLost ??= error;
      })
      .finally(() => {
        this.heartbeatInFlight = false;
      });
  }

  private at(message: KafkaMessage): KafkaPosition {
    return { topic: this.topic, partition: this.partition, offset: message.offset };
  }
}

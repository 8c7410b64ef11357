import { RunControl, type JsonObject, type KafkaRunStats } from '@dynamo-sink/kafka-common';
import rdkafka, { type LibrdKafkaError, type Message, type TopicPartition, type TopicPartitionOffset } from 'node-rdkafka';
import type { RdkafkaConsumerLike } from './consumer-like.js';
import { resolveOptions, type RdkafkaSinkConsumerOptions, type ResolvedOptions } from './options.js';
import { PartitionStream, type StreamHost } from './partition-stream.js';

/** What `run()` resolves with: records the sink reported written, messages handed to `onDeadLetter`. */
export interface RdkafkaSinkStats extends KafkaRunStats {}

// librdkafka's rebalance event codes.
const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
/** Commits go out at most this often (stop and revoke commit at once, whatever the interval). */
const COMMIT_INTERVAL_MS = 100;
/**
 * A full buffer first holds the consume loop (no `consume` call until a write settles), and pauses the partitions
 * only if it stays full this long. Pausing makes librdkafka drop what it prefetched for them, to fetch and parse it
 * again on resume: with a sink that keeps up, pausing at every fill cost the service about 7% of its CPU and 12% of
 * its throughput (the destination bench, node-rdkafka). While the loop holds nothing polls, so rebalance and commit
 * reports wait at most this long; a sink stalled for longer gets the pause, and the loop polls again.
 */
const PAUSE_AFTER_FULL_MS = 1_000;

/**
 * Consumes Kafka topics with a node-rdkafka `KafkaConsumer` into any `Sink`, at least once: a partition's offset is
 * committed only when its record and every record before it in that partition is written, or failed and taken by
 * `onDeadLetter`.
 *
 * - A loop of `consume(n)` calls reads messages; at `maxBufferedRecords` unsettled records the loop waits for a write
 *   to settle, and if none does within a second every partition is paused while the loop polls again, so memory
 *   stays bounded and rebalances and commit reports go on.
 * - Commits are explicit offsets (`enable.auto.commit: false`), sent as writes settle (those settling within 100 ms
 *   in one request), confirmed through librdkafka's offset-commit callback (`onCommit`).
 * - A `WriteError` (or any rejection) from the sink stops the consumer: `run()` rejects with a `KafkaSinkError` naming
 *   the oldest unwritten offset, after the other writes in flight finished and were committed.
 * - A `SinkBackpressureError` pauses the partition for its `retryAfterMs`, then hands its unsettled records over again.
 * - On a revoke, the partitions hand over nothing more, their writes in flight finish and are committed, and only then
 *   are they given up (`unassign`).
 * - `stop()` stops consuming, lets writes in flight finish, commits them, disconnects and resolves.
 *
 * @example
 * const pipe = new RdkafkaSinkConsumer({
 *   consumerConfig: { 'group.id': 'events-to-dynamodb', 'metadata.broker.list': 'localhost:9092' },
 *   sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dlq'),
 * });
 * process.once('SIGTERM', () => void pipe.stop());
 * await pipe.run(); // until stop(), or rejects with the error that stopped it
 */
export class RdkafkaSinkConsumer<V = JsonObject | null> {
  private readonly options: ResolvedOptions<V>;
  private consumer: RdkafkaConsumerLike | undefined;
  private readonly streams = new Map<string, PartitionStream<V>>();
  private readonly host: StreamHost<V>;
  private readonly control = new RunControl('RdkafkaSinkConsumer');
  private consumeLoop: Promise<void> | undefined;
  /** Rebalance events are handled one after another: a revoke may take as long as the writes in flight. */
  private rebalances: Promise<void> = Promise.resolve();
  private readonly backOffTimers = new Map<string, NodeJS.Timeout>();
  /** Partitions paused at librdkafka, by key. */
  private readonly paused = new Set<string>();
  /** Per partition: the offset last sent in a commit, and the last one the broker confirmed. */
  private readonly commitSent = new Map<string, bigint>();
  private readonly commitConfirmed = new Map<string, bigint>();
  private commitScheduled = false;
  private lastCommitAt = -Infinity;
  /** When the buffer was last seen reaching `maxBufferedRecords` (undefined: it has room). */
  private fullSince: number | undefined;
  /** Wakes the consume loop held on a full buffer. */
  private wakeHeldLoop: (() => void) | undefined;

  constructor(options: RdkafkaSinkConsumerOptions<V>) {
    this.options = resolveOptions(options);
    this.host = {
      options: this.options,
      isActive: () => !this.control.isStopping,
      fail: (error) => void this.halt(error),
      backOff: (stream, retryAfterMs) => this.backOff(stream, retryAfterMs),
      counted: this.control.counted,
      progressed: () => {
        this.scheduleCommit();
        this.wakeHeldLoop?.();
      },
    };
  }

  /** Totals so far. */
  get stats(): RdkafkaSinkStats {
    return this.control.stats;
  }

  /** Records read and not yet written or dead-lettered, across the assigned partitions. */
  get buffered(): number {
    let buffered = 0;
    for (const stream of this.streams.values()) buffered += stream.buffered;
    return buffered;
  }

  /**
   * Creates and connects the consumer, subscribes to `topics` and writes what it reads until `stop()`, then resolves
   * with the totals. Rejects with a `KafkaSinkError` when writing cannot go on (after committing what was written), or
   * with librdkafka's error when connecting or consuming fails for good. Call it once.
   */
  async run(): Promise<RdkafkaSinkStats> {
    this.control.begin();
    try {
      const consumer = this.createConsumer();
      this.consumer = consumer;
      await new Promise<void>((resolve, reject) => consumer.connect({}, (error) => (error ? reject(toError(error)) : resolve())));
      if (!this.control.isStopping) {
        consumer.setDefaultConsumeTimeout(this.options.consumeTimeoutMs);
        consumer.subscribe([...this.options.topics]);
        this.consumeLoop = this.consumeUntilStopped(consumer);
      }
    } catch (error) {
      void this.halt(toError(error));
    }
    return this.control.finished();
  }

  /**
   * Stops consuming, waits for the writes in flight, commits them, disconnects the consumer and resolves.
   * Idempotent; safe to call before `run()` has connected.
   */
  stop(): Promise<void> {
    return this.halt();
  }

  private createConsumer(): RdkafkaConsumerLike {
    const { consumerConfig, topicConfig, fromBeginning, createConsumer } = this.options;
    const config = {
      ...consumerConfig,
      'enable.auto.commit': false,
      rebalance_cb: (error: LibrdKafkaError | undefined, assignment: TopicPartition[]) => this.onRebalance(error, assignment),
      offset_commit_cb: (error: LibrdKafkaError | undefined, offsets: TopicPartitionOffset[]) => this.onCommitted(error, offsets),
    };
    const topics = { 'auto.offset.reset': fromBeginning ? 'earliest' : 'latest', ...topicConfig } as const;
    return createConsumer ? createConsumer(config, topics) : new rdkafka.KafkaConsumer(config, topics);
  }

  private halt(error?: Error): Promise<void> {
    return this.control.halt(error, async () => {
      for (const timer of this.backOffTimers.values()) clearTimeout(timer);
      this.backOffTimers.clear();
      await this.consumeLoop;
      const streams = [...this.streams.values()];
      await Promise.all(streams.map((stream) => stream.close()));
      this.commitNow(streams);
      const consumer = this.consumer;
      // Disconnecting leaves the group: librdkafka calls the rebalance callback with a revoke, which finds every
      // partition already closed and committed, and unassigns at once.
      if (consumer) await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    });
  }

  private async consumeUntilStopped(consumer: RdkafkaConsumerLike): Promise<void> {
    const { consumeBatchSize } = this.options;
    while (!this.control.isStopping) {
      if (await this.heldOnFullBuffer()) continue;
      this.syncPauses();
      let messages: Message[];
      try {
        messages = await new Promise((resolve, reject) => consumer.consume(consumeBatchSize, (error, read) => (error ? reject(error) : resolve(read))));
      } catch (error) {
        if ((error as LibrdKafkaError).isFatal) {
          void this.halt(toError(error));
          return;
        }
        // Transient (a topic not created yet, a broker restarting): librdkafka recovers by itself; do not spin.
        await new Promise((resolve) => setTimeout(resolve, this.options.consumeTimeoutMs));
        continue;
      }
      this.dispatch(messages);
    }
  }

  /**
   * While the buffer is full, and not yet for PAUSE_AFTER_FULL_MS, waits for a write to settle (or a consume timeout,
   * so that stopping is seen) and says true: the loop skips its `consume` call.
   */
  private async heldOnFullBuffer(): Promise<boolean> {
    if (this.buffered < this.options.maxBufferedRecords) {
      this.fullSince = undefined;
      return false;
    }
    const now = performance.now();
    this.fullSince ??= now;
    if (now - this.fullSince >= PAUSE_AFTER_FULL_MS) return false;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeHeldLoop = undefined;
        resolve();
      };
      const timer = setTimeout(wake, this.options.consumeTimeoutMs);
      this.wakeHeldLoop = wake;
    });
    return true;
  }

  /** Hands each partition its messages, in the order read. Messages of partitions being given up are dropped. */
  private dispatch(messages: readonly Message[]): void {
    // Runs of one partition's messages go over together; a run's key is made once, not once per message.
    let start = 0;
    for (let index = 1; index <= messages.length; index++) {
      const first = messages[start]!;
      const next = messages[index];
      if (next && next.partition === first.partition && next.topic === first.topic) continue;
      this.streams.get(partitionKey(first.topic, first.partition))?.push(messages.slice(start, index));
      start = index;
    }
  }

  /**
   * Pauses, at librdkafka, the partitions backing off and, while the buffer has been full for PAUSE_AFTER_FULL_MS, all
   * of them; resumes the rest.
   */
  private syncPauses(): void {
    const consumer = this.consumer;
    if (!consumer) return;
    const full = this.fullSince !== undefined && performance.now() - this.fullSince >= PAUSE_AFTER_FULL_MS;
    const toPause: TopicPartition[] = [];
    const toResume: TopicPartition[] = [];
    for (const [key, stream] of this.streams) {
      const shouldPause = full || this.backOffTimers.has(key);
      if (shouldPause && !this.paused.has(key)) {
        toPause.push({ topic: stream.topic, partition: stream.partition });
        this.paused.add(key);
      } else if (!shouldPause && this.paused.has(key)) {
        toResume.push({ topic: stream.topic, partition: stream.partition });
        this.paused.delete(key);
      }
    }
    try {
      if (toPause.length > 0) consumer.pause(toPause);
      if (toResume.length > 0) consumer.resume(toResume);
    } catch {
      // The consumer is disconnecting: nothing is fetched any more.
    }
  }

  /** The sink is saturated: stop fetching this partition for a while, then hand its unsettled records over again. */
  private backOff(stream: PartitionStream<V>, retryAfterMs: number): void {
    const key = partitionKey(stream.topic, stream.partition);
    if (this.control.isStopping || this.backOffTimers.has(key)) return;
    const timer = setTimeout(() => {
      this.backOffTimers.delete(key);
      void stream.retryAfterBackOff();
    }, Math.max(0, retryAfterMs));
    this.backOffTimers.set(key, timer);
    this.syncPauses();
  }

  private onRebalance(error: LibrdKafkaError | undefined, assignment: TopicPartition[]): void {
    this.rebalances = this.rebalances.then(() => this.rebalance(error, assignment)).catch((failure: unknown) => void this.halt(toError(failure)));
  }

  private async rebalance(error: LibrdKafkaError | undefined, assignment: TopicPartition[]): Promise<void> {
    const consumer = this.consumer!;
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    if (error?.code === ASSIGN_PARTITIONS) {
      for (const { topic, partition } of assignment) {
        const key = partitionKey(topic, partition);
        if (!this.streams.has(key)) this.streams.set(key, new PartitionStream(topic, partition, this.host));
      }
      if (cooperative) consumer.incrementalAssign(assignment);
      else consumer.assign(assignment);
      return;
    }
    // A revoke (or a rebalance error, after which librdkafka expects an unassign): finish and commit, then give up.
    const revoked = error?.code === REVOKE_PARTITIONS && cooperative ? assignment : [...this.streams.values()];
    const streams = revoked.flatMap(({ topic, partition }) => this.streams.get(partitionKey(topic, partition)) ?? []);
    await Promise.all(streams.map((stream) => stream.close()));
    this.commitNow(streams);
    for (const stream of streams) this.forget(partitionKey(stream.topic, stream.partition));
    if (cooperative) consumer.incrementalUnassign(assignment);
    else consumer.unassign();
  }

  private forget(key: string): void {
    this.streams.delete(key);
    this.paused.delete(key);
    this.commitSent.delete(key);
    this.commitConfirmed.delete(key);
    clearTimeout(this.backOffTimers.get(key));
    this.backOffTimers.delete(key);
  }

  /**
   * Commits of the writes settling within COMMIT_INTERVAL_MS go out as one request: a sink at full speed settles a
   * write every few milliseconds, and each commit costs a broker request and librdkafka's work on it.
   */
  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    const wait = this.lastCommitAt + COMMIT_INTERVAL_MS - performance.now();
    const send = () => {
      this.commitScheduled = false;
      const offsets = this.advancedOffsets([...this.streams.values()]);
      if (offsets.length === 0 || !this.consumer) return;
      this.lastCommitAt = performance.now();
      try {
        this.consumer.commit(offsets); // the outcome arrives in onCommitted
      } catch {
        // Not connected any more; the final commit on revoke or stop covers these offsets.
        for (const { topic, partition } of offsets) this.commitSent.delete(partitionKey(topic, partition));
      }
    };
    if (wait > 0) setTimeout(send, wait);
    else setImmediate(send);
  }

  /**
   * Commits the streams' offsets and waits for the broker: before a partition is given up. A refusal (the group is
   * already rebalancing) leaves the records to be read again by the partition's next owner: at least once.
   */
  private commitNow(streams: readonly PartitionStream<V>[]): void {
    const offsets = streams.flatMap((stream) => {
      const offset = stream.commitOffset;
      const confirmed = this.commitConfirmed.get(partitionKey(stream.topic, stream.partition));
      return offset === undefined || (confirmed !== undefined && offset <= confirmed) ? [] : [{ topic: stream.topic, partition: stream.partition, offset: Number(offset) }];
    });
    if (offsets.length === 0 || !this.consumer) return;
    try {
      this.consumer.commitSync(offsets);
    } catch {
      return;
    }
    this.onCommitted(undefined, offsets);
  }

  /** The streams whose commit point moved past what was last sent; marks them sent. */
  private advancedOffsets(streams: readonly PartitionStream<V>[]): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const stream of streams) {
      const key = partitionKey(stream.topic, stream.partition);
      const offset = stream.commitOffset;
      const sent = this.commitSent.get(key);
      if (offset === undefined || (sent !== undefined && offset <= sent)) continue;
      this.commitSent.set(key, offset);
      offsets.push({ topic: stream.topic, partition: stream.partition, offset: Number(offset) });
    }
    return offsets;
  }

  /** librdkafka's offset-commit callback (also called for `commitSync`): report each commit once, in order. */
  private onCommitted(error: LibrdKafkaError | undefined, offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset, ...rest } of offsets ?? []) {
      const key = partitionKey(topic, partition);
      const failed = error !== undefined || (rest as { error?: unknown }).error !== undefined;
      if (failed) {
        // Send it again with the next commit: the offset is written, only the commit was refused.
        if (this.commitSent.get(key) === BigInt(offset)) this.commitSent.delete(key);
        continue;
      }
      const confirmed = this.commitConfirmed.get(key);
      if (offset < 0 || (confirmed !== undefined && BigInt(offset) <= confirmed)) continue;
      this.commitConfirmed.set(key, BigInt(offset));
      this.options.onCommit?.({ topic, partition, offset: String(offset) });
    }
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const toError = (error: unknown): Error =>
  error instanceof Error ? error : new Error((error as { message?: string })?.message ?? String(error), { cause: error });

import type { EachBatchPayload } from 'kafkajs';
import { RunControl, type JsonObject, type KafkaRunStats } from '@dynamo-sink/core/kafka';
import { resolveOptions, type KafkaSinkConsumerOptions, type ResolvedOptions } from './options.js';
import { PartitionBatch, type BatchHost } from './partition-batch.js';

/** What `run()` resolves with: records the sink reported written, messages handed to `onDeadLetter`. */
export interface KafkaSinkStats extends KafkaRunStats {}

/**
 * Consumes Kafka topics with a kafkajs consumer into any `Sink`, at least once: a partition's offset is committed only
 * when its record and every record before it in that partition is written, or failed and taken by `onDeadLetter`.
 *
 * - A `WriteError` (or any rejection) from the sink stops the consumer: `run()` rejects with a `KafkaSinkError` naming
 *   the oldest unwritten offset, after the other writes in flight finished and were committed.
 * - A `SinkBackpressureError` pauses the partition for its `retryAfterMs`; its unwritten records are fetched again.
 * - `stop()` stops fetching, lets writes in flight finish, commits them and disconnects.
 * - On a rebalance, kafkajs rejoins only after `eachBatch` returns, and each batch returns only once its writes are
 *   settled and committed, so nothing is given up half written.
 *
 * @example
 * const consumer = kafka.consumer({ groupId: 'events-to-dynamodb' });
 * const pipe = new KafkaSinkConsumer({ consumer, sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dlq') });
 * process.once('SIGTERM', () => void pipe.stop());
 * await pipe.run(); // until stop(), or rejects with the error that stopped it
 */
export class KafkaSinkConsumer<V = JsonObject | null> {
  private readonly options: ResolvedOptions<V>;
  private readonly control = new RunControl('KafkaSinkConsumer');
  private starting: Promise<void> | undefined;
  private readonly resumeTimers = new Map<string, NodeJS.Timeout>();
  private readonly host: BatchHost<V>;

  constructor(options: KafkaSinkConsumerOptions<V>) {
    this.options = resolveOptions(options);
    this.host = {
      options: this.options,
      isActive: () => !this.control.isStopping,
      fail: (error) => void this.halt(error),
      backOff: (topic, partition, retryAfterMs) => this.backOff(topic, partition, retryAfterMs),
      counted: this.control.counted,
    };
  }

  /** Totals so far. */
  get stats(): KafkaSinkStats {
    return this.control.stats;
  }

  /**
   * Connects the consumer, subscribes to `topics` and writes what it reads until `stop()`, then resolves with the
   * totals. Rejects with a `KafkaSinkError` when writing cannot go on (after committing what was written), or with
   * kafkajs's error when the consumer crashes for good. Call it once.
   */
  async run(): Promise<KafkaSinkStats> {
    this.control.begin();
    const { consumer } = this.options;
    const removeCrashListener = consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) void this.halt(payload.error);
    });
    this.starting = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    })();
    try {
      await this.starting;
    } catch (error) {
      void this.halt(error instanceof Error ? error : new Error(String(error)));
    }
    try {
      return await this.control.finished();
    } finally {
      removeCrashListener();
    }
  }

  /**
   * Stops fetching, waits for the writes in flight, commits them, disconnects the consumer and resolves.
   * Idempotent; safe to call before `run()` has joined the group.
   */
  stop(): Promise<void> {
    return this.halt();
  }

  private halt(error?: Error): Promise<void> {
    return this.control.halt(error, async () => {
      for (const timer of this.resumeTimers.values()) clearTimeout(timer);
      this.resumeTimers.clear();
      // A consumer stopped while joining would start fetching after the stop: let the join finish first.
      await this.starting?.catch(() => {});
      try {
        // disconnect() stops the runner, which waits for every eachBatch in progress (and so for their commits).
        await this.options.consumer.disconnect();
      } catch (disconnectError) {
        this.control.fail(disconnectError instanceof Error ? disconnectError : new Error(String(disconnectError)));
      }
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition } = payload.batch;
    // A batch fetched before its partition was paused, or after the consumer began to stop, is left for later.
    if (this.control.isStopping || this.resumeTimers.has(partitionKey(topic, partition)) || payload.batch.messages.length === 0) return;
    await new PartitionBatch(payload, this.host).run();
  }

  /** The sink is saturated: stop fetching this partition for a while; its unwritten records are fetched again after. */
  private backOff(topic: string, partition: number, retryAfterMs: number): void {
    const key = partitionKey(topic, partition);
    if (this.control.isStopping || this.resumeTimers.has(key)) return;
    const { consumer } = this.options;
    consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(() => {
      this.resumeTimers.delete(key);
      try {
        consumer.resume([{ topic, partitions: [partition] }]);
      } catch {
        // The consumer restarted or stopped meanwhile: nothing is paused any more.
      }
    }, Math.max(0, retryAfterMs));
    this.resumeTimers.set(key, timer);
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

import type { Consumer, EachBatchPayload } from 'kafkajs';
import { EachBatchRun, type EachBatchClient, type JsonObject, type KafkaRunStats } from '@dynamo-sink/kafka-common';
import { resolveOptions, type KafkaSinkConsumerOptions, type ResolvedOptions } from './options.js';

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
  private readonly pipe: EachBatchRun<V, EachBatchPayload>;

  constructor(options: KafkaSinkConsumerOptions<V>) {
    const resolved = resolveOptions(options);
    this.pipe = new EachBatchRun(resolved, kafkajsClient(resolved));
  }

  /** Totals so far. */
  get stats(): KafkaSinkStats {
    return this.pipe.stats;
  }

  /**
   * Connects the consumer, subscribes to `topics` and writes what it reads until `stop()`, then resolves with the
   * totals. Rejects with a `KafkaSinkError` when writing cannot go on (after committing what was written), or with
   * kafkajs's error when the consumer crashes for good. Call it once.
   */
  run(): Promise<KafkaSinkStats> {
    return this.pipe.run();
  }

  /**
   * Stops fetching, waits for the writes in flight, commits them, disconnects the consumer and resolves.
   * Idempotent; safe to call before `run()` has joined the group.
   */
  stop(): Promise<void> {
    return this.pipe.stop();
  }
}

/** Errors that mean this member is leaving the generation: the partitions may be given to someone else. */
const MEMBERSHIP_LOST = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);

/** How kafkajs runs: `fromBeginning` at subscribe, commits through the batch, a CRASH event, rebalances rethrown. */
function kafkajsClient<V>(options: ResolvedOptions<V>): EachBatchClient<EachBatchPayload> {
  const consumer: Consumer = options.consumer;
  return {
    consumerName: 'KafkaSinkConsumer',
    consumer,
    async subscribeAndRun(eachBatch) {
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        eachBatch: (payload) => eachBatch(payload),
      });
    },
    commit: (payload, { topic, partition, offset }) => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }),
    isMembershipLost: (error) => MEMBERSHIP_LOST.has((error as { type?: string })?.type ?? ''),
    // kafkajs rejoins the group on a rebalance error, and restarts (or crashes) on the others.
    batchFailed(error) {
      throw error;
    },
    watchCrashes: (crashed) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) crashed(payload.error);
      }),
  };
}

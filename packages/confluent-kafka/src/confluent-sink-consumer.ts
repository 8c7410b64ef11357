import { AsyncLocalStorage } from 'node:async_hooks';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { EachBatchRun, type EachBatchClient, type JsonObject, type KafkaRunStats } from '@dynamo-sink/kafka-common';
import { resolveOptions, type ConfluentSinkConsumerOptions, type ResolvedOptions } from './options.js';

/** What `run()` resolves with: records the sink reported written, messages handed to `onDeadLetter`. */
export interface ConfluentSinkStats extends KafkaRunStats {}

/**
 * Consumes Kafka topics with Confluent's `@confluentinc/kafka-javascript` (librdkafka underneath), through its
 * KafkaJS-compatible API, into any `Sink`, at least once: a partition's offset is committed only when its record and
 * every record before it in that partition is written, or failed and taken by `onDeadLetter`.
 *
 * - A `WriteError` (or any rejection) from the sink stops the consumer: `run()` rejects with a `KafkaSinkError` naming
 *   the oldest unwritten offset, after the other writes in flight finished and were committed.
 * - A `SinkBackpressureError` pauses the partition for its `retryAfterMs`; its unwritten records are fetched again.
 * - `stop()` stops fetching, lets writes in flight finish, commits them and disconnects.
 * - On a rebalance, the partitions are given up only after `eachBatch` returns, and each batch returns only once its
 *   writes are settled and committed, so nothing is given up half written.
 *
 * @example
 * const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: ['localhost:9092'] } });
 * const pipe = new ConfluentSinkConsumer({
 *   kafka, consumerConfig: { kafkaJS: { groupId: 'events-to-dynamodb' } },
 *   sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dlq'),
 * });
 * process.once('SIGTERM', () => void pipe.stop());
 * await pipe.run(); // until stop(), or rejects with the error that stopped it
 */
export class ConfluentSinkConsumer<V = JsonObject | null> {
  private readonly pipe: EachBatchRun<V, KafkaJS.EachBatchPayload>;

  constructor(options: ConfluentSinkConsumerOptions<V>) {
    const resolved = resolveOptions(options);
    this.pipe = new EachBatchRun(resolved, confluentClient(resolved));
  }

  /** Totals so far. */
  get stats(): ConfluentSinkStats {
    return this.pipe.stats;
  }

  /**
   * Connects the consumer, subscribes to `topics` and writes what it reads until `stop()`, then resolves with the
   * totals. Rejects with a `KafkaSinkError` when writing cannot go on (after committing what was written), or with the
   * client's `KafkaJSError` when connecting or committing fails. Call it once.
   */
  run(): Promise<ConfluentSinkStats> {
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

/**
 * librdkafka's codes for a member leaving the generation: REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * NOT_COORDINATOR, FENCED_INSTANCE_ID, and its own _ASSIGNMENT_LOST. (Read as codes: the client's `type` is
 * ERR_UNKNOWN for a code with two names, as NOT_COORDINATOR has.)
 */
const MEMBERSHIP_LOST = new Set([27, 22, 25, 16, 82, -142]);
const isMembershipLost = (error: unknown) => MEMBERSHIP_LOST.has((error as { code?: number })?.code ?? 0);

/**
 * How Confluent's KafkaJS API runs: the consumer made from `kafka` with the completed settings (`fromBeginning` is one
 * of them: its `subscribe` refuses it), explicit per-partition commits, no crash event (errors reach the adapter through
 * commits), and a rebalance handled by librdkafka itself.
 */
function confluentClient<V>(options: ResolvedOptions<V>): EachBatchClient<KafkaJS.EachBatchPayload> {
  const consumer = options.kafka.consumer(options.consumerConfig);
  // The API's run loop holds a lock, re-entrant through the async context, while it calls eachBatch: a disconnect()
  // begun from there (a write failed, stop() called from a sink or handler) would take it at once and end the
  // connection under the batches still committing. So disconnect() runs in the context the adapter was made in.
  const outsideEachBatch = AsyncLocalStorage.snapshot();
  return {
    consumerName: 'ConfluentSinkConsumer',
    consumer: {
      connect: () => consumer.connect(),
      disconnect: () => outsideEachBatch(() => consumer.disconnect()),
      pause: (topics) => consumer.pause(topics),
      resume: (topics) => consumer.resume(topics),
    },
    async subscribeAndRun(eachBatch) {
      await consumer.subscribe({ topics: [...options.topics] });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        eachBatch: (payload) => eachBatch(payload),
      });
    },
    commit: (_payload, { topic, partition, offset }) => consumer.commitOffsets([{ topic, partition, offset }]),
    isMembershipLost,
    // What eachBatch throws, this API only logs. A lost membership needs nothing: librdkafka rejoins, and the API
    // fetches the partition again after the last resolved offset. Anything else stops the consumer, visibly.
    batchFailed(error, stop) {
      if (!isMembershipLost(error)) stop(error instanceof Error ? error : new Error(String(error)));
    },
  };
}

import type { CommitEvent } from '../commit-event.js';
import { RunControl, type KafkaRunStats } from '../run-control.js';
import type { EachBatchConsumerLike, EachBatchPayloadLike, MessageOf } from './each-batch-api.js';
import { PartitionBatch, type BatchHost, type BatchSettings } from './partition-batch.js';

/**
 * How one eachBatch client is driven: what differs between kafkajs and Confluent's KafkaJS-compatible API. `P` is the
 * client's eachBatch payload.
 */
export interface EachBatchClient<P extends EachBatchPayloadLike> {
  /** The adapter's class, for the errors of a misuse. */
  readonly consumerName: string;
  readonly consumer: EachBatchConsumerLike;
  /** After `connect()`: subscribes and starts the consumer with this `eachBatch`, offsets resolved and committed by hand. */
  subscribeAndRun(eachBatch: (payload: P) => Promise<void>): Promise<void>;
  /** Commits one partition at `commit.offset`, the next offset to read; rejects when the broker refused. */
  commit(payload: P, commit: CommitEvent): Promise<void>;
  /** True for an error saying this member is leaving the generation (a rebalance, a dropped member). */
  isMembershipLost(error: unknown): boolean;
  /**
   * What `eachBatch` does with the error a batch ended on (a lost membership, a refused commit, `onCommit` threw).
   * kafkajs rejoins on the first and restarts or crashes on the others: rethrow it. Confluent's API only logs what
   * `eachBatch` throws (librdkafka rejoins by itself): there, an adapter returns on a lost membership and stops the
   * consumer on the rest.
   */
  batchFailed(error: unknown, stop: (error: Error) => void): void;
  /** Calls `crashed` when the client gives up for good (kafkajs's CRASH event without a restart); returns the unsubscribe. */
  watchCrashes?(crashed: (error: Error) => void): () => void;
}

/**
 * A run of an eachBatch consumer into a sink, from `run()` to stopped: both eachBatch adapters' `run()`, `stop()` and
 * `stats`. Each fetched batch goes through a {@link PartitionBatch}; a partition the sink pushed back on is paused for
 * the sink's `retryAfterMs`, and batches fetched for it meanwhile are left to be fetched again.
 */
export class EachBatchRun<V, P extends EachBatchPayloadLike> {
  private readonly control: RunControl;
  private starting: Promise<void> | undefined;
  private readonly resumeTimers = new Map<string, NodeJS.Timeout>();
  private readonly host: BatchHost<V, P>;

  constructor(
    settings: BatchSettings<V, MessageOf<P>>,
    private readonly client: EachBatchClient<P>,
  ) {
    this.control = new RunControl(client.consumerName);
    this.host = {
      settings,
      isActive: () => !this.control.isStopping,
      fail: (error) => void this.halt(error),
      backOff: (topic, partition, retryAfterMs) => this.backOff(topic, partition, retryAfterMs),
      counted: this.control.counted,
      commit: (payload, commit) => client.commit(payload, commit),
      isMembershipLost: (error) => client.isMembershipLost(error),
    };
  }

  /** Totals so far. */
  get stats(): KafkaRunStats {
    return this.control.stats;
  }

  /** Connects, subscribes and writes until `stop()`; rejects with the error that stopped the run. Call it once. */
  async run(): Promise<KafkaRunStats> {
    this.control.begin();
    const stopWatching = this.client.watchCrashes?.((error) => void this.halt(error));
    this.starting = (async () => {
      await this.client.consumer.connect();
      await this.client.subscribeAndRun((payload) => this.eachBatch(payload));
    })();
    try {
      await this.starting;
    } catch (error) {
      void this.halt(toError(error));
    }
    try {
      return await this.control.finished();
    } finally {
      stopWatching?.();
    }
  }

  /** Stops fetching, waits for the writes in flight, commits them, disconnects. Idempotent; safe before `run()`. */
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
        // disconnect() waits for every eachBatch in progress (and so for their commits).
        await this.client.consumer.disconnect();
      } catch (disconnectError) {
        this.control.fail(toError(disconnectError));
      }
    });
  }

  private async eachBatch(payload: P): Promise<void> {
    const { topic, partition } = payload.batch;
    // A batch fetched before its partition was paused, or after the consumer began to stop, is left for later.
    if (this.control.isStopping || this.resumeTimers.has(partitionKey(topic, partition)) || payload.batch.messages.length === 0) return;
    try {
      await new PartitionBatch(payload, this.host).run();
    } catch (error) {
      this.client.batchFailed(error, (stopWith) => void this.halt(stopWith));
    }
  }

  /** The sink is saturated: stop fetching this partition for a while; its unwritten records are fetched again after. */
  private backOff(topic: string, partition: number, retryAfterMs: number): void {
    const key = partitionKey(topic, partition);
    if (this.control.isStopping || this.resumeTimers.has(key)) return;
    const { consumer } = this.client;
    try {
      consumer.pause([{ topic, partitions: [partition] }]);
    } catch {
      return; // not connected any more: nothing is fetched
    }
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
const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

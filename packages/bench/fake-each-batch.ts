/**
 * In-process stand-ins for a kafkajs consumer and for Confluent's KafkaJS-compatible `Kafka`, feeding an eachBatch
 * adapter (@dynamo-sink/kafkajs, @dynamo-sink/confluent-kafka) the bench's messages as fast as it asks: no broker,
 * no network, so the figure is the adapter's write path (decode, cut into writes, settle, commit) on top of the sink.
 *
 * What the clients guarantee and the adapters rely on is kept: one `eachBatch` per partition at a time, the next batch
 * of a partition starting after the last resolved offset, paused partitions not fetched, `disconnect()` waiting for
 * the batches in progress. Every partition is fetched at once (the bench's 4 partitions are the adapters' default
 * `partitionsConsumedConcurrently`). The packages' own fakes live in their test folders, so these are the bench's.
 */
import type { BenchMessage, CommitWatch } from './kafka-feed.js';

/** A message as both clients hand it to `eachBatch`. */
interface EachBatchMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly timestamp: string;
  readonly attributes: number;
  readonly offset: string;
  readonly headers: Record<string, never>;
}

type Offsets = { topic: string; partitions: { partition: number; offset: string }[] }[];
type EachBatch = (payload: unknown) => Promise<void>;

/** How a fetch is cut: kafkajs by bytes per partition, Confluent by messages. */
export interface FetchLimit {
  readonly maxBytes?: number;
  readonly maxMessages?: number;
}

/** kafkajs's `maxBytesPerPartition` default: a fetch brings at most this much of one partition. */
export const KAFKAJS_MAX_BYTES_PER_PARTITION = 1_048_576;

/** The consumer side both clients share: the fetch loops, pauses, resolved offsets, commits into the watch. */
export class FakeEachBatchConsumer {
  /** kafkajs's instrumentation event names; the kafkajs adapter listens for CRASH. */
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as const;
  private readonly logs: EachBatchMessage[][];
  private readonly next: number[];
  private readonly paused = new Set<number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly topic: string,
    partitions: readonly (readonly BenchMessage[])[],
    private readonly watch: CommitWatch,
    private readonly limit: FetchLimit,
  ) {
    this.logs = partitions.map((log) =>
      log.map((m) => ({ key: m.key, value: m.value, timestamp: String(m.timestampMs), attributes: 0, offset: String(m.offset), headers: {} })),
    );
    this.next = this.logs.map(() => 0);
  }

  async connect(): Promise<void> {}

  async subscribe(_subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void> {}

  on(): () => void {
    return () => {};
  }

  async run({ eachBatch }: { eachBatch: EachBatch }): Promise<void> {
    this.running = true;
    this.loops = this.logs.map((_, partition) => this.fetchLoop(partition, eachBatch));
  }

  async disconnect(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  pause(topics: { topic: string; partitions: number[] }[]): void {
    for (const { partitions } of topics) for (const partition of partitions) this.paused.add(partition);
  }

  resume(topics: { topic: string; partitions: number[] }[]): void {
    for (const { partitions } of topics) for (const partition of partitions) this.paused.delete(partition);
  }

  /** Confluent's per-partition commit; kafkajs's goes through the payload (commitOffsetsIfNecessary). */
  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    for (const { partition, offset } of offsets) this.watch.commit(partition, Number(offset));
  }

  /** One partition: a batch from the next unresolved offset, as soon as the previous one returned. */
  private async fetchLoop(partition: number, eachBatch: EachBatch): Promise<void> {
    const log = this.logs[partition]!;
    while (this.running) {
      const from = this.next[partition]!;
      if (from >= log.length) return; // all read and resolved: nothing more will come
      if (this.paused.has(partition)) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      await eachBatch(this.payload(partition, log.slice(from, this.batchEnd(log, from))));
    }
  }

  private batchEnd(log: readonly EachBatchMessage[], from: number): number {
    const { maxBytes = Infinity, maxMessages = Infinity } = this.limit;
    let end = from;
    let bytes = 0;
    while (end < log.length && end - from < maxMessages) {
      bytes += log[end]!.value.length + log[end]!.key.length;
      if (bytes > maxBytes && end > from) break;
      end++;
    }
    return end;
  }

  private payload(partition: number, messages: EachBatchMessage[]) {
    const { topic } = this;
    return {
      batch: { topic, partition, messages },
      resolveOffset: (offset: string) => void (this.next[partition] = Math.max(this.next[partition]!, Number(offset) + 1)),
      heartbeat: async () => {},
      isRunning: () => this.running,
      isStale: () => false,
      // kafkajs: the adapter commits through the batch.
      commitOffsetsIfNecessary: async (offsets: { topics: Offsets }) => {
        for (const { partitions } of offsets.topics) for (const { partition: p, offset } of partitions) this.watch.commit(p, Number(offset));
      },
    };
  }
}

/**
 * Confluent's KafkaJS-compatible `Kafka`: `consumer(config)` returns a {@link FakeEachBatchConsumer} whose batches hold
 * at most `js.consumer.max.batch.size` messages, the setting the adapter fills in (recordsPerWrite × writes in flight).
 */
export class FakeConfluentKafka {
  constructor(
    private readonly topic: string,
    private readonly partitions: readonly (readonly BenchMessage[])[],
    private readonly watch: CommitWatch,
  ) {}

  consumer(config: Record<string, unknown>): FakeEachBatchConsumer {
    const maxMessages = Number(config['js.consumer.max.batch.size'] ?? 32);
    return new FakeEachBatchConsumer(this.topic, this.partitions, this.watch, { maxMessages });
  }
}

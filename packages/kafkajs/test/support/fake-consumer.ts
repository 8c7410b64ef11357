/**
 * A stand-in for a kafkajs Consumer, for deterministic tests of the commit logic without a broker. It keeps what
 * kafkajs guarantees and the adapter relies on:
 * - one `eachBatch` per partition at a time, partitions of a round concurrently, the next round after all return;
 * - the next batch of a partition starts at the last resolved offset + 1 (the committed offset after a restart);
 * - paused partitions are not fetched;
 * - `disconnect()` waits for the `eachBatch` calls in progress, and `isRunning()` turns false as it begins.
 * A rejected `eachBatch` is recorded in `batchErrors`; like a rejoin, the partition goes back to its committed offset.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

export interface FakeMessage {
  readonly value: string | Buffer | null;
  readonly key?: string | null;
  readonly headers?: Record<string, string | Buffer | (string | Buffer)[]>;
  readonly timestamp?: number;
}

/** The log a FakeConsumer reads: messages and committed offsets per partition, shared by consumers of one group. */
export class FakeLog {
  readonly partitions = new Map<string, KafkaMessage[]>();
  readonly committed = new Map<string, bigint>();
  /** Every commit, in order. */
  readonly commits: { topic: string; partition: number; offset: string }[] = [];

  append(topic: string, partition: number, messages: readonly FakeMessage[]): void {
    const log = this.partitions.get(key(topic, partition)) ?? [];
    this.partitions.set(key(topic, partition), log);
    for (const message of messages) {
      log.push({
        key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
        value: message.value === null ? null : Buffer.from(message.value),
        timestamp: String(message.timestamp ?? 1_700_000_000_000 + log.length),
        attributes: 0,
        offset: String(log.length),
        headers: message.headers ?? {},
      } as KafkaMessage);
    }
  }

  appendJson(topic: string, partition: number, values: readonly unknown[]): void {
    this.append(topic, partition, values.map((value) => ({ value: JSON.stringify(value) })));
  }

  /** Committed offset of a partition, as a string; undefined if never committed. */
  committedOffset(topic: string, partition: number): string | undefined {
    return this.committed.get(key(topic, partition))?.toString();
  }

  endOffset(topic: string, partition: number): string {
    return String(this.partitions.get(key(topic, partition))?.length ?? 0);
  }
}

export interface FakeConsumerOptions {
  /** Messages per batch, at most. @default 1000 */
  readonly maxBatchSize?: number;
  /** Called on every heartbeat(); throw to script a rebalance. */
  readonly onHeartbeat?: () => void;
  /** Called on every commit before it is recorded; throw to script a commit failure. */
  readonly onCommit?: (topic: string, partition: number, offset: string) => void;
  /** Called when an eachBatch call rejects, before the partition goes back to its committed offset. */
  readonly onBatchError?: (error: unknown) => void;
}

export class FakeConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as const;
  heartbeats = 0;
  readonly batchErrors: unknown[] = [];
  readonly pauses: { topic: string; partition: number; at: number }[] = [];
  readonly resumes: { topic: string; partition: number; at: number }[] = [];
  /** Every batch handed to eachBatch: partition and first offset. */
  readonly batches: { topic: string; partition: number; firstOffset: string; size: number }[] = [];
  private topics: string[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly paused = new Set<string>();
  private readonly position = new Map<string, bigint>();

  constructor(
    readonly log: FakeLog,
    private readonly options: FakeConsumerOptions = {},
  ) {}

  /** This fake, typed as what the adapter expects. */
  get asConsumer(): Consumer {
    return this as unknown as Consumer;
  }

  async connect(): Promise<void> {}

  async subscribe({ topics }: { topics: (string | RegExp)[] }): Promise<void> {
    this.topics = topics.map(String);
  }

  on(): () => void {
    return () => {};
  }

  pause(topics: { topic: string; partitions: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      for (const partition of partitions) {
        this.paused.add(key(topic, partition));
        this.pauses.push({ topic, partition, at: Date.now() });
      }
    }
  }

  resume(topics: { topic: string; partitions: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      for (const partition of partitions) {
        this.paused.delete(key(topic, partition));
        this.resumes.push({ topic, partition, at: Date.now() });
      }
    }
  }

  async run({ eachBatch }: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    this.running = true;
    this.loop = this.fetchLoop(eachBatch);
  }

  async disconnect(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async fetchLoop(eachBatch: (payload: EachBatchPayload) => Promise<void>): Promise<void> {
    const maxBatchSize = this.options.maxBatchSize ?? 1000;
    while (this.running) {
      const calls: Promise<void>[] = [];
      for (const [partitionKey, messages] of this.log.partitions) {
        const [topic, partitionText] = partitionKey.split('\u0000') as [string, string];
        const partition = Number(partitionText);
        if (!this.topics.includes(topic) || this.paused.has(partitionKey)) continue;
        const from = this.position.get(partitionKey) ?? this.log.committed.get(partitionKey) ?? 0n;
        const batchMessages = messages.slice(Number(from), Number(from) + maxBatchSize);
        if (batchMessages.length === 0) continue;
        this.batches.push({ topic, partition, firstOffset: String(from), size: batchMessages.length });
        calls.push(
          eachBatch(this.payload(topic, partition, batchMessages)).catch((error: unknown) => {
            this.batchErrors.push(error);
            this.options.onBatchError?.(error);
            this.position.delete(partitionKey);
          }),
        );
      }
      if (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      await Promise.all(calls);
    }
  }

  private payload(topic: string, partition: number, messages: KafkaMessage[]): EachBatchPayload {
    const partitionKey = key(topic, partition);
    return {
      batch: {
        topic,
        partition,
        highWatermark: this.log.endOffset(topic, partition),
        messages,
        isEmpty: () => messages.length === 0,
        firstOffset: () => messages[0]?.offset ?? null,
        lastOffset: () => messages[messages.length - 1]!.offset,
        offsetLag: () => '0',
        offsetLagLow: () => '0',
      },
      resolveOffset: (offset) => void this.position.set(partitionKey, BigInt(offset) + 1n),
      heartbeat: async () => {
        this.heartbeats += 1;
        this.options.onHeartbeat?.();
      },
      pause: () => {
        this.pause([{ topic, partitions: [partition] }]);
        return () => this.resume([{ topic, partitions: [partition] }]);
      },
      commitOffsetsIfNecessary: async (offsets) => {
        for (const { topic: committedTopic, partitions } of offsets?.topics ?? []) {
          for (const { partition: committedPartition, offset } of partitions) {
            this.options.onCommit?.(committedTopic, committedPartition, offset);
            this.log.committed.set(key(committedTopic, committedPartition), BigInt(offset));
            this.log.commits.push({ topic: committedTopic, partition: committedPartition, offset });
          }
        }
      },
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: () => this.running,
      isStale: () => false,
    };
  }
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

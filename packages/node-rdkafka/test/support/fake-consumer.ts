/**
 * A stand-in for node-rdkafka's KafkaConsumer (through the adapter's `createConsumer` option), for deterministic tests
 * of the commit logic without a broker. It keeps what librdkafka does and the adapter relies on: an assignment
 * through the rebalance callback that waits for `assign`/`unassign`, fetching from the committed offset, paused
 * partitions not fetched, asynchronous commits reported through the offset-commit callback, and a revoke on
 * `disconnect` that waits for `unassign`.
 */
import type { ConsumerGlobalConfig, LibrdKafkaError, Message, TopicPartition, TopicPartitionOffset } from 'node-rdkafka';
import type { RdkafkaConsumerLike } from '../../src/index.js';

type RebalanceCallback = (error: { code: number } | undefined, assignment: TopicPartition[]) => void;
type CommitCallback = (error: LibrdKafkaError | undefined, offsets: TopicPartitionOffset[]) => void;

export class FakeRdkafkaConsumer implements RdkafkaConsumerLike {
  readonly log = new Map<number, Message[]>();
  readonly committed = new Map<number, number>();
  readonly commits: string[] = [];
  readonly paused = new Set<number>();
  /** Every call the adapter made that matters to the tests, in order: `pause 0`, `commit 0:5`, `unassign`... */
  readonly calls: string[] = [];
  /** `consume` calls so far: the adapter's polls. */
  consumeCalls = 0;
  private assigned: number[] = [];
  private readonly position = new Map<number, number>();
  private rebalance!: RebalanceCallback;
  private onCommit!: CommitCallback;
  private unassigned: (() => void) | undefined;

  constructor(readonly topic: string) {}

  /** The adapter's `createConsumer` option. */
  readonly create = (config: ConsumerGlobalConfig) => {
    this.rebalance = config.rebalance_cb as unknown as RebalanceCallback;
    this.onCommit = config.offset_commit_cb as unknown as CommitCallback;
    return this;
  };

  /** Appends messages: a value (null for a tombstone), or a value with a key (a string here, bytes on the message). */
  append(partition: number, values: readonly (string | null | { readonly value: string | null; readonly key: string | null })[]): void {
    const messages = this.log.get(partition) ?? [];
    for (const entry of values) {
      const { value, key } = typeof entry === 'object' && entry !== null ? entry : { value: entry, key: undefined };
      const offset = messages.length;
      const message: Message = { topic: this.topic, partition, offset, value: value === null ? null : Buffer.from(value), size: 0, timestamp: 1_667_844_200_703 };
      // librdkafka gives a message without a key `key: undefined`, and one with a key its bytes.
      if (key !== undefined) message.key = key === null ? null : Buffer.from(key);
      messages.push(message);
    }
    this.log.set(partition, messages);
  }

  appendJson(partition: number, values: readonly object[]): void {
    this.append(partition, values.map((value) => JSON.stringify(value)));
  }

  committedOffset(partition: number): number | undefined {
    return this.committed.get(partition);
  }

  /** Takes the partitions away as a rebalance does; resolves once the adapter called `unassign`. */
  revoke(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.unassigned = resolve));
    this.rebalance({ code: -174 }, this.assigned.map((partition) => ({ topic: this.topic, partition })));
    return done;
  }

  connect(_options: unknown, callback: (error: LibrdKafkaError | null, metadata: never) => void): void {
    setImmediate(() => callback(null, undefined as never));
  }

  subscribe(): void {
    setImmediate(() => this.rebalance({ code: -175 }, [...this.log.keys()].map((partition) => ({ topic: this.topic, partition }))));
  }

  setDefaultConsumeTimeout(): void {}

  consume(count: number, callback: (error: LibrdKafkaError | null, messages: Message[]) => void): void {
    this.consumeCalls++;
    const read: Message[] = [];
    for (const partition of this.assigned) {
      if (this.paused.has(partition)) continue;
      const messages = this.log.get(partition) ?? [];
      let position = this.position.get(partition) ?? 0;
      while (read.length < count && position < messages.length) read.push(messages[position++]!);
      this.position.set(partition, position);
    }
    setTimeout(() => callback(null, read), read.length > 0 ? 0 : 2);
  }

  commit(offsets: TopicPartitionOffset[]): void {
    this.store(offsets);
    setImmediate(() => this.onCommit(undefined, offsets));
  }

  commitSync(offsets: TopicPartitionOffset[]): void {
    this.store(offsets);
  }

  pause(partitions: TopicPartition[]): void {
    for (const { partition } of partitions) this.paused.add(partition), this.calls.push(`pause ${partition}`);
  }

  resume(partitions: TopicPartition[]): void {
    for (const { partition } of partitions) this.paused.delete(partition), this.calls.push(`resume ${partition}`);
  }

  assign(assignments: TopicPartition[]): void {
    this.assigned = assignments.map(({ partition }) => partition);
    for (const partition of this.assigned) this.position.set(partition, this.committed.get(partition) ?? 0);
    this.calls.push('assign');
  }

  unassign(): void {
    this.assigned = [];
    this.calls.push('unassign');
    this.unassigned?.();
  }

  incrementalAssign(): void {
    throw new Error('not used: the fake is EAGER');
  }

  incrementalUnassign(): void {
    throw new Error('not used: the fake is EAGER');
  }

  rebalanceProtocol(): string {
    return 'EAGER';
  }

  disconnect(callback: (error: unknown) => void): void {
    this.calls.push('disconnect');
    if (this.assigned.length === 0) return void setImmediate(() => callback(null));
    void this.revoke().then(() => callback(null));
  }

  private store(offsets: TopicPartitionOffset[]): void {
    for (const { partition, offset } of offsets) {
      this.committed.set(partition, offset);
      this.commits.push(`${partition}:${offset}`);
      this.calls.push(`commit ${partition}:${offset}`);
    }
  }
}

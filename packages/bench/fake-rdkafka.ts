/**
 * An in-process stand-in for node-rdkafka's KafkaConsumer, handed to @dynamo-sink/node-rdkafka through its
 * `createConsumer` option: `consume(n)` answers at once with up to n of the bench's messages, so the figure is the
 * adapter's write path (per-partition streams, decode, settle, commit) on top of the sink, without librdkafka.
 *
 * It keeps what librdkafka does and the adapter relies on: the assignment through the rebalance callback, reading
 * from where the partition stands, paused partitions not read, asynchronous commits reported through the
 * offset-commit callback, and a revoke on `disconnect` that waits for `unassign`. A `consume(n)` call takes a run of
 * one partition, then the next, starting with a different partition each call, as fetch responses fill librdkafka's
 * queue. (The adapter's tests have a fake too, in its test folder.)
 */
import type { CreateConsumer, RdkafkaConsumerLike } from '@dynamo-sink/node-rdkafka';
import type { BenchMessage, CommitWatch } from './kafka-feed.js';

type ConsumerConfig = Parameters<CreateConsumer>[0];
type ConsumeCallback = Parameters<RdkafkaConsumerLike['consume']>[1];
type Message = Parameters<ConsumeCallback>[1][number];
type Offsets = Parameters<RdkafkaConsumerLike['commit']>[0];
type RebalanceCallback = (error: { code: number } | undefined, assignment: { topic: string; partition: number }[]) => void;
type CommitCallback = (error: undefined, offsets: Offsets) => void;

// librdkafka's rebalance event codes.
const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
/** How long an empty `consume(n)` waits, as a consume timeout would (short: the run ends soon after). */
const EMPTY_CONSUME_MS = 2;

export class FakeRdkafkaConsumer implements RdkafkaConsumerLike {
  private readonly logs: Message[][];
  private readonly position: number[];
  private readonly paused = new Set<number>();
  private assigned: number[] = [];
  private rotation = 0;
  private rebalance!: RebalanceCallback;
  private onCommit!: CommitCallback;
  private unassigned: (() => void) | undefined;

  constructor(
    private readonly topic: string,
    partitions: readonly (readonly BenchMessage[])[],
    private readonly watch: CommitWatch,
  ) {
    this.logs = partitions.map((log, partition) =>
      log.map((m) => ({ topic, partition, offset: m.offset, key: m.key, value: m.value, size: m.value.length, timestamp: m.timestampMs })),
    );
    this.position = this.logs.map(() => 0);
  }

  /** The adapter's `createConsumer` option: takes the callbacks the adapter put in the config. */
  readonly create: CreateConsumer = (config: ConsumerConfig) => {
    this.rebalance = config.rebalance_cb as unknown as RebalanceCallback;
    this.onCommit = config.offset_commit_cb as unknown as CommitCallback;
    return this;
  };

  connect(_options: unknown, callback: (error: null, metadata: never) => void): void {
    setImmediate(() => callback(null, undefined as never));
  }

  subscribe(): void {
    setImmediate(() => this.rebalance({ code: ASSIGN_PARTITIONS }, this.logs.map((_, partition) => ({ topic: this.topic, partition }))));
  }

  setDefaultConsumeTimeout(): void {}

  consume(count: number, callback: ConsumeCallback): void {
    const read: Message[] = [];
    const partitions = this.assigned.length;
    for (let i = 0; i < partitions && read.length < count; i++) {
      const partition = this.assigned[(this.rotation + i) % partitions]!;
      if (this.paused.has(partition)) continue;
      const log = this.logs[partition]!;
      let at = this.position[partition]!;
      while (read.length < count && at < log.length) read.push(log[at++]!);
      this.position[partition] = at;
    }
    this.rotation++;
    if (read.length > 0) setImmediate(() => callback(null, read));
    else setTimeout(() => callback(null, read), EMPTY_CONSUME_MS);
  }

  commit(offsets: Offsets): void {
    this.store(offsets);
    setImmediate(() => this.onCommit(undefined, offsets));
  }

  commitSync(offsets: Offsets): void {
    this.store(offsets);
  }

  pause(partitions: { partition: number }[]): void {
    for (const { partition } of partitions) this.paused.add(partition);
  }

  resume(partitions: { partition: number }[]): void {
    for (const { partition } of partitions) this.paused.delete(partition);
  }

  assign(assignments: { partition: number }[]): void {
    this.assigned = assignments.map(({ partition }) => partition);
  }

  unassign(): void {
    this.assigned = [];
    this.unassigned?.();
  }

  incrementalAssign(): void {
    throw new Error('not used: this fake is EAGER');
  }

  incrementalUnassign(): void {
    throw new Error('not used: this fake is EAGER');
  }

  rebalanceProtocol(): string {
    return 'EAGER';
  }

  /** Leaving the group revokes the assignment, and waits for the adapter's `unassign`. */
  disconnect(callback: (error: unknown) => void): void {
    if (this.assigned.length === 0) return void setImmediate(() => callback(null));
    const unassigned = new Promise<void>((resolve) => (this.unassigned = resolve));
    this.rebalance({ code: REVOKE_PARTITIONS }, this.assigned.map((partition) => ({ topic: this.topic, partition })));
    void unassigned.then(() => callback(null));
  }

  private store(offsets: Offsets): void {
    for (const { partition, offset } of offsets) this.watch.commit(partition, offset);
  }
}

import type {
  Assignment,
  ConsumerGlobalConfig,
  ConsumerTopicConfig,
  LibrdKafkaError,
  Message,
  Metadata,
  MetadataOptions,
  TopicPartition,
  TopicPartitionOffset,
} from 'node-rdkafka';

/**
 * The part of node-rdkafka's `KafkaConsumer` the adapter uses. A real `KafkaConsumer` is one; tests pass a fake
 * through `createConsumer`.
 */
export interface RdkafkaConsumerLike {
  connect(options: MetadataOptions, callback: (error: LibrdKafkaError | null, metadata: Metadata) => void): unknown;
  disconnect(callback: (error: unknown) => void): unknown;
  subscribe(topics: string[]): unknown;
  setDefaultConsumeTimeout(timeoutMs: number): void;
  consume(count: number, callback: (error: LibrdKafkaError | null, messages: Message[]) => void): void;
  /** Asynchronous: the outcome arrives through the config's `offset_commit_cb`. */
  commit(offsets: TopicPartitionOffset[]): unknown;
  /** Blocks until the broker answered; throws a `LibrdKafkaError` when it refused. */
  commitSync(offsets: TopicPartitionOffset[]): unknown;
  pause(partitions: TopicPartition[]): unknown;
  resume(partitions: TopicPartition[]): unknown;
  assign(assignments: Assignment[]): unknown;
  unassign(): unknown;
  incrementalAssign(assignments: Assignment[]): unknown;
  incrementalUnassign(assignments: Assignment[]): unknown;
  /** `'COOPERATIVE'` for incremental rebalances (`cooperative-sticky`), `'EAGER'` or `'NONE'` otherwise. */
  rebalanceProtocol(): string;
}

/** Creates the consumer from the config the adapter completed (manual commits, its rebalance and commit callbacks). */
export type CreateConsumer = (config: ConsumerGlobalConfig, topicConfig: ConsumerTopicConfig) => RdkafkaConsumerLike;

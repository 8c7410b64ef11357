/**
 * The part of the kafkajs consumer API that the eachBatch adapters use, as structural types: kafkajs 2.x and the
 * KafkaJS-compatible API of Confluent's `@confluentinc/kafka-javascript` both fit them, so that one implementation
 * (PartitionBatch, EachBatchRun) serves both adapters without importing either client.
 */

/** Headers as both clients hand them over: a header sent more than once comes as an array, in the order sent. */
export interface EachBatchHeaders {
  readonly [name: string]: Buffer | string | (Buffer | string)[] | undefined;
}

/** A message of a fetched batch. */
export interface EachBatchMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Ms since the epoch, as text; `-1` (kafkajs) or `''` (Confluent) when the message has none. */
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: EachBatchHeaders;
}

/** What `eachBatch` receives: one partition's fetched messages and the calls that go with them. */
export interface EachBatchPayloadLike<M extends EachBatchMessage = EachBatchMessage> {
  readonly batch: { readonly topic: string; readonly partition: number; readonly messages: M[] };
  /** Marks every message up to `offset` processed: the partition's next fetch starts after it. */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True once the batch was given up (the partition was paused, sought or revoked): hand nothing more over. */
  isStale(): boolean;
}

/** The message type of a payload type. */
export type MessageOf<P extends EachBatchPayloadLike> = P['batch']['messages'][number];

/** The consumer calls the adapters make besides `eachBatch`'s own. */
export interface EachBatchConsumerLike {
  connect(): Promise<void>;
  /** Resolves once every `eachBatch` call in progress has returned. */
  disconnect(): Promise<void>;
  pause(topics: { topic: string; partitions: number[] }[]): unknown;
  resume(topics: { topic: string; partitions: number[] }[]): unknown;
}

import { ConfigError, type Sink } from '@dynamo-sink/core';
import { jsonDeserializer, type CommitEvent, type JsonObject } from '@dynamo-sink/core/kafka';
import type { ConsumerGlobalConfig, ConsumerTopicConfig } from 'node-rdkafka';
import type { CreateConsumer } from './consumer-like.js';
import type { DeadLetterHandler } from './dead-letter.js';
import type { Deserializer } from './deserializer.js';

/** Options of {@link RdkafkaSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface RdkafkaSinkConsumerOptions<V = JsonObject> {
  /**
   * librdkafka's consumer settings: `group.id` and `metadata.broker.list` (or `bootstrap.servers`) at least, and your
   * timeouts (`session.timeout.ms`, `max.poll.interval.ms`...). The adapter adds `enable.auto.commit: false` and its
   * own `rebalance_cb` and `offset_commit_cb`; giving any of those is refused.
   */
  readonly consumerConfig: ConsumerGlobalConfig;
  /** librdkafka's topic settings. `auto.offset.reset` here overrides `fromBeginning`. @default {} */
  readonly topicConfig?: ConsumerTopicConfig;
  /** Where the records go: `DynamoSink`, `MemorySink` or any `Sink`. Not opened or closed here: it is yours. */
  readonly sink: Sink<V>;
  /** Topics to subscribe to; a name starting with `^` is a regular expression (librdkafka's rule). */
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: the earliest offset (`true`) or the end. @default false */
  readonly fromBeginning?: boolean;
  /**
   * Turns a message into the record's value. Throw to reject the message: it goes to `onDeadLetter` as
   * `invalid-message`.
   * @default jsonDeserializer: the value as UTF-8 JSON, numbers kept exact (see `parseJson`), an object required
   */
  readonly deserializer?: Deserializer<V>;
  /**
   * Receives every message that can never be written: undecodable, or failed by the sink (a missing key field, a value
   * DynamoDB rejects). Its offset is committed once the returned promise resolves. If it throws, the consumer stops.
   * Without a handler, the first such message stops the consumer with an error naming it, and nothing at or past its
   * offset is committed. `deadLetterToTopic(producer, topic)` is a ready handler.
   * @default none
   */
  readonly onDeadLetter?: DeadLetterHandler<V>;
  /** Records per `sink.write` call, at most. @default 500 */
  readonly recordsPerWrite?: number;
  /** `sink.write` calls in flight per partition; commits advance as the oldest ones finish. @default 4 */
  readonly writesInFlightPerPartition?: number;
  /**
   * Records read but not yet written or dead-lettered, across partitions, above which the adapter pauses every
   * partition (it keeps polling, so rebalances and commits go on): this bounds memory. @default 10_000
   */
  readonly maxBufferedRecords?: number;
  /** Messages asked for per `consume(n)` call. @default 1_000 */
  readonly consumeBatchSize?: number;
  /** How long one `consume(n)` call waits for messages, in ms; `stop()` waits for the call in progress. @default 100 */
  readonly consumeTimeoutMs?: number;
  /** Called once the broker confirmed a commit. Keep it cheap. */
  readonly onCommit?: (commit: CommitEvent) => void;
  /** Creates the consumer from the completed config. @default (config, topicConfig) => new KafkaConsumer(config, topicConfig) */
  readonly createConsumer?: CreateConsumer;
}

/** Options with every default filled in (the consumer configs not completed yet). */
export interface ResolvedOptions<V> {
  readonly consumerConfig: ConsumerGlobalConfig;
  readonly topicConfig: ConsumerTopicConfig;
  readonly sink: Sink<V>;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly deserializer: Deserializer<V>;
  readonly onDeadLetter: DeadLetterHandler<V> | undefined;
  readonly recordsPerWrite: number;
  readonly writesInFlightPerPartition: number;
  readonly maxBufferedRecords: number;
  readonly consumeBatchSize: number;
  readonly consumeTimeoutMs: number;
  readonly onCommit: ((commit: CommitEvent) => void) | undefined;
  readonly createConsumer: CreateConsumer | undefined;
}

export const DEFAULTS = {
  fromBeginning: false,
  recordsPerWrite: 500,
  writesInFlightPerPartition: 4,
  maxBufferedRecords: 10_000,
  consumeBatchSize: 1_000,
  consumeTimeoutMs: 100,
} as const;

/** Settings the adapter owns: at least once needs manual commits, and revokes must wait for writes in flight. */
const OWNED_SETTINGS = ['rebalance_cb', 'offset_commit_cb'] as const;

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: RdkafkaSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected RdkafkaSinkConsumer options to be an object');
  const { consumerConfig, sink, topics } = options;
  if (typeof consumerConfig !== 'object' || consumerConfig === null) {
    throw new ConfigError("Expected `consumerConfig` to be librdkafka's consumer settings, such as { 'group.id': 'events', 'metadata.broker.list': 'localhost:9092' }");
  }
  if (typeof consumerConfig['group.id'] !== 'string' || consumerConfig['group.id'] === '') {
    throw new ConfigError("Expected `consumerConfig['group.id']` to be a consumer group name: commits belong to a group");
  }
  for (const setting of OWNED_SETTINGS) {
    if (consumerConfig[setting] !== undefined) {
      throw new ConfigError(`Leave \`consumerConfig['${setting}']\` out: the adapter sets it (use \`onCommit\` to learn about commits)`);
    }
  }
  if (consumerConfig['enable.auto.commit'] === true) {
    throw new ConfigError("Leave `consumerConfig['enable.auto.commit']` out or false: offsets are committed only after the write");
  }
  if (options.topicConfig !== undefined && (typeof options.topicConfig !== 'object' || options.topicConfig === null)) {
    throw new ConfigError(`Expected \`topicConfig\` to be librdkafka's topic settings or left out, got ${typeof options.topicConfig}`);
  }
  if (typeof sink?.write !== 'function') {
    throw new ConfigError('Expected `sink` to be a Sink with a write(records) method, such as DynamoSink');
  }
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((topic) => typeof topic === 'string' && topic !== '')) {
    throw new ConfigError(`Expected \`topics\` to be a non-empty array of topic names, got ${describe(topics)}`);
  }
  if (options.fromBeginning !== undefined && typeof options.fromBeginning !== 'boolean') {
    throw new ConfigError(`Expected \`fromBeginning\` to be a boolean, got ${describe(options.fromBeginning)}`);
  }
  return {
    consumerConfig,
    topicConfig: options.topicConfig ?? {},
    sink,
    topics: [...topics],
    fromBeginning: options.fromBeginning ?? DEFAULTS.fromBeginning,
    // Without a deserializer, V is the JSON object type (the options' default type argument).
    deserializer: optionalFunction('deserializer', options.deserializer) ?? (jsonDeserializer as unknown as Deserializer<V>),
    onDeadLetter: optionalFunction('onDeadLetter', options.onDeadLetter),
    recordsPerWrite: wholeNumber('recordsPerWrite', options.recordsPerWrite, DEFAULTS.recordsPerWrite, 1),
    writesInFlightPerPartition: wholeNumber('writesInFlightPerPartition', options.writesInFlightPerPartition, DEFAULTS.writesInFlightPerPartition, 1),
    maxBufferedRecords: wholeNumber('maxBufferedRecords', options.maxBufferedRecords, DEFAULTS.maxBufferedRecords, 1),
    consumeBatchSize: wholeNumber('consumeBatchSize', options.consumeBatchSize, DEFAULTS.consumeBatchSize, 1),
    consumeTimeoutMs: wholeNumber('consumeTimeoutMs', options.consumeTimeoutMs, DEFAULTS.consumeTimeoutMs, 1),
    onCommit: optionalFunction('onCommit', options.onCommit),
    createConsumer: optionalFunction('createConsumer', options.createConsumer),
  };
}

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`Expected \`${name}\` to be a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}

function optionalFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigError(`Expected \`${name}\` to be a function or left out, got ${typeof value}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

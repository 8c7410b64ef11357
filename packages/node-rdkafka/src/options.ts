import { ConfigError } from '@dynamo-sink/core';
import {
  checkFromBeginning,
  checkSink,
  describeValue,
  KAFKA_SINK_DEFAULTS,
  optionalFunction,
  resolveKafkaSinkOptions,
  wholeNumber,
  type CommitEvent,
  type JsonObject,
  type KafkaSinkOptions,
  type ResolvedKafkaSinkOptions,
} from '@dynamo-sink/kafka-common';
import type { ConsumerGlobalConfig, ConsumerTopicConfig, Message } from 'node-rdkafka';
import type { CreateConsumer } from './consumer-like.js';

/** Options of {@link RdkafkaSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface RdkafkaSinkConsumerOptions<V = JsonObject | null> extends KafkaSinkOptions<V, Message> {
  /**
   * librdkafka's consumer settings: `group.id` and `metadata.broker.list` (or `bootstrap.servers`) at least, and your
   * timeouts (`session.timeout.ms`, `max.poll.interval.ms`...). The adapter adds `enable.auto.commit: false` and its
   * own `rebalance_cb` and `offset_commit_cb`; giving any of those is refused.
   */
  readonly consumerConfig: ConsumerGlobalConfig;
  /** librdkafka's topic settings. `auto.offset.reset` here overrides `fromBeginning`. @default {} */
  readonly topicConfig?: ConsumerTopicConfig;
  /** Topics to subscribe to; a name starting with `^` is a regular expression (librdkafka's rule). */
  readonly topics: readonly string[];
  /** Records per `sink.write` call, at most. @default 500 */
  readonly recordsPerWrite?: number;
  /**
   * Records read but not yet written or dead-lettered, across partitions, at which the adapter stops reading until a
   * write settles; if none settles within a second it pauses every partition and polls again, so rebalances and
   * commits go on. This bounds memory. @default 10_000
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
export interface ResolvedOptions<V> extends ResolvedKafkaSinkOptions<V, Message> {
  readonly consumerConfig: ConsumerGlobalConfig;
  readonly topicConfig: ConsumerTopicConfig;
  readonly topics: readonly string[];
  readonly maxBufferedRecords: number;
  readonly consumeBatchSize: number;
  readonly consumeTimeoutMs: number;
  readonly createConsumer: CreateConsumer | undefined;
}

export const DEFAULTS = {
  ...KAFKA_SINK_DEFAULTS,
  maxBufferedRecords: 10_000,
  consumeBatchSize: 1_000,
  consumeTimeoutMs: 100,
} as const;

/** Settings the adapter owns: at least once needs manual commits, and revokes must wait for writes in flight. */
const OWNED_SETTINGS = ['rebalance_cb', 'offset_commit_cb'] as const;

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: RdkafkaSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected RdkafkaSinkConsumer options to be an object');
  const { consumerConfig, topics } = options;
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
  checkSink(options.sink);
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((topic) => typeof topic === 'string' && topic !== '')) {
    throw new ConfigError(`Expected \`topics\` to be a non-empty array of topic names, got ${describeValue(topics)}`);
  }
  checkFromBeginning(options.fromBeginning);
  return {
    consumerConfig,
    topicConfig: options.topicConfig ?? {},
    topics: [...topics],
    ...resolveKafkaSinkOptions(options),
    maxBufferedRecords: wholeNumber('maxBufferedRecords', options.maxBufferedRecords, DEFAULTS.maxBufferedRecords, 1),
    consumeBatchSize: wholeNumber('consumeBatchSize', options.consumeBatchSize, DEFAULTS.consumeBatchSize, 1),
    consumeTimeoutMs: wholeNumber('consumeTimeoutMs', options.consumeTimeoutMs, DEFAULTS.consumeTimeoutMs, 1),
    onCommit: optionalFunction('onCommit', options.onCommit),
    createConsumer: optionalFunction('createConsumer', options.createConsumer),
  };
}

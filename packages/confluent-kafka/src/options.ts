import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ConfigError } from '@dynamo-sink/core';
import { resolveEachBatchOptions, type EachBatchSinkOptions, type JsonObject, type ResolvedEachBatchOptions } from '@dynamo-sink/kafka-common';

/** Options of {@link ConfluentSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface ConfluentSinkConsumerOptions<V = JsonObject | null> extends EachBatchSinkOptions<V, KafkaJS.KafkaMessage> {
  /**
   * The client of Confluent's KafkaJS-compatible API the consumer is made from:
   * `new KafkaJS.Kafka({ kafkaJS: { brokers: ['localhost:9092'] } })`.
   */
  readonly kafka: Pick<KafkaJS.Kafka, 'consumer'>;
  /**
   * The consumer's settings, as `kafka.consumer()` takes them: `kafkaJS: { groupId, sessionTimeout, ... }` and any
   * librdkafka property beside it (a librdkafka property wins over the `kafkaJS` setting it overlaps). The adapter adds
   * `kafkaJS.autoCommit: false` (offsets are committed only after the write) and `kafkaJS.fromBeginning` (from the
   * option of that name), and sets `'js.consumer.max.batch.size'` to `recordsPerWrite × writesInFlightPerPartition`
   * unless you do (Confluent's default, 32, would make every write 32 records at most).
   */
  readonly consumerConfig: KafkaJS.ConsumerConstructorConfig;
  /**
   * Topics to subscribe to: names, or RegExps that start with `^` and have no flags (librdkafka matches a subscription
   * as a pattern only then).
   */
  readonly topics: readonly (string | RegExp)[];
}

/** Options with every default filled in, and the consumer's settings completed. */
export interface ResolvedOptions<V> extends ResolvedEachBatchOptions<V, KafkaJS.KafkaMessage> {
  readonly kafka: Pick<KafkaJS.Kafka, 'consumer'>;
  readonly consumerConfig: KafkaJS.ConsumerConstructorConfig;
}

/** Confluent's KafkaJS API calls `heartbeat()` a no-op (librdkafka heartbeats on its own thread): call it rarely. */
const HEARTBEAT_EVERY_MS = 1_000;

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: ConfluentSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected ConfluentSinkConsumer options to be an object');
  const { kafka, consumerConfig } = options;
  if (typeof kafka?.consumer !== 'function') {
    throw new ConfigError(
      "Expected `kafka` to be a Kafka of @confluentinc/kafka-javascript's KafkaJS API: new KafkaJS.Kafka({ kafkaJS: { brokers } })",
    );
  }
  checkConsumerConfig(consumerConfig);
  const badPattern = Array.isArray(options.topics) ? options.topics.find((topic) => topic instanceof RegExp && (!topic.source.startsWith('^') || topic.flags !== '')) : undefined;
  if (badPattern) {
    throw new ConfigError(`Expected the topic pattern ${String(badPattern)} to start with ^ and have no flags: librdkafka reads only such a subscription as a pattern`);
  }
  const resolved = resolveEachBatchOptions({ ...options, heartbeatEveryMs: HEARTBEAT_EVERY_MS });
  return {
    kafka,
    ...resolved,
    consumerConfig: {
      'js.consumer.max.batch.size': resolved.recordsPerWrite * resolved.writesInFlightPerPartition,
      ...consumerConfig,
      kafkaJS: { ...consumerConfig.kafkaJS!, fromBeginning: resolved.fromBeginning, autoCommit: false },
    },
  };
}

/** A group is needed (commits belong to one); auto-commit and a second `fromBeginning` are the adapter's to set. */
function checkConsumerConfig(config: KafkaJS.ConsumerConstructorConfig | undefined): void {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError("Expected `consumerConfig` to be the consumer's settings, such as { kafkaJS: { groupId: 'events-to-dynamodb' } }");
  }
  const kafkaJS: Partial<KafkaJS.ConsumerConfig> = config.kafkaJS ?? {};
  const groupId = kafkaJS.groupId ?? config['group.id'];
  if (typeof groupId !== 'string' || groupId === '') {
    throw new ConfigError('Expected `consumerConfig.kafkaJS.groupId` to be a consumer group name: commits belong to a group');
  }
  if (kafkaJS.autoCommit === true || config['enable.auto.commit'] === true) {
    throw new ConfigError('Leave auto-commit out of `consumerConfig` (or false): offsets are committed only after the write');
  }
  if (kafkaJS.fromBeginning !== undefined) {
    throw new ConfigError('Leave `consumerConfig.kafkaJS.fromBeginning` out: use the `fromBeginning` option');
  }
}

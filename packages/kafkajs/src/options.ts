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
} from '@dynamo-sink/core/kafka';
import type { Consumer, KafkaMessage } from 'kafkajs';

/** Options of {@link KafkaSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface KafkaSinkConsumerOptions<V = JsonObject | null> extends KafkaSinkOptions<V, KafkaMessage> {
  /**
   * A kafkajs consumer that is not running yet, created with your `groupId` (and `sessionTimeout`, `heartbeatInterval`,
   * `maxWaitTimeInMs`...). `run()` connects, subscribes and runs it; `stop()` disconnects it.
   */
  readonly consumer: Consumer;
  /** Topics to subscribe to: names or patterns. */
  readonly topics: readonly (string | RegExp)[];
  /** Records per `sink.write` call, at most; a fetched batch is cut into writes of this size. @default 500 */
  readonly recordsPerWrite?: number;
  /** Partitions whose batches are written at once (kafkajs `partitionsConsumedConcurrently`). @default 4 */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How often, in ms, `heartbeat()` is called while writes are pending, so a slow write does not cost the group
   * membership. kafkajs sends one at most every `heartbeatInterval` of the consumer; keep this below it.
   * @default 500
   */
  readonly heartbeatEveryMs?: number;
  /** Called after every successful commit. Keep it cheap: it runs on the commit path. */
  readonly onCommit?: (commit: CommitEvent) => void;
}

/** Options with every default filled in. */
export interface ResolvedOptions<V> extends ResolvedKafkaSinkOptions<V, KafkaMessage> {
  readonly consumer: Consumer;
  readonly topics: readonly (string | RegExp)[];
  readonly partitionsConsumedConcurrently: number;
  readonly heartbeatEveryMs: number;
}

export const DEFAULTS = {
  ...KAFKA_SINK_DEFAULTS,
  partitionsConsumedConcurrently: 4,
  heartbeatEveryMs: 500,
} as const;

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: KafkaSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected KafkaSinkConsumer options to be an object');
  const { consumer, topics } = options;
  if (typeof consumer?.run !== 'function' || typeof consumer.subscribe !== 'function') {
    throw new ConfigError('Expected `consumer` to be a kafkajs Consumer, from kafka.consumer({ groupId })');
  }
  checkSink(options.sink);
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((topic) => (typeof topic === 'string' && topic !== '') || topic instanceof RegExp)) {
    throw new ConfigError(`Expected \`topics\` to be a non-empty array of topic names or RegExps, got ${describeValue(topics, true)}`);
  }
  checkFromBeginning(options.fromBeginning, true);
  return {
    consumer,
    topics: [...topics],
    ...resolveKafkaSinkOptions(options),
    partitionsConsumedConcurrently: wholeNumber(
      'partitionsConsumedConcurrently',
      options.partitionsConsumedConcurrently,
      DEFAULTS.partitionsConsumedConcurrently,
      1,
    ),
    heartbeatEveryMs: wholeNumber('heartbeatEveryMs', options.heartbeatEveryMs, DEFAULTS.heartbeatEveryMs, 1),
    onCommit: optionalFunction('onCommit', options.onCommit),
  };
}

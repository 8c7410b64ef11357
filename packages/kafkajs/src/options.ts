import { ConfigError } from '@dynamo-sink/core';
import { resolveEachBatchOptions, type EachBatchSinkOptions, type JsonObject, type ResolvedEachBatchOptions } from '@dynamo-sink/kafka-common';
import type { Consumer, KafkaMessage } from 'kafkajs';

/** Options of {@link KafkaSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface KafkaSinkConsumerOptions<V = JsonObject | null> extends EachBatchSinkOptions<V, KafkaMessage> {
  /**
   * A kafkajs consumer that is not running yet, created with your `groupId` (and `sessionTimeout`, `heartbeatInterval`,
   * `maxWaitTimeInMs`...). `run()` connects, subscribes and runs it; `stop()` disconnects it.
   */
  readonly consumer: Consumer;
  /**
   * How often, in ms, `heartbeat()` is called while writes are pending, so a slow write does not cost the group
   * membership. kafkajs sends one at most every `heartbeatInterval` of the consumer; keep this below it.
   * @default 500
   */
  readonly heartbeatEveryMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedOptions<V> extends ResolvedEachBatchOptions<V, KafkaMessage> {
  readonly consumer: Consumer;
}

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: KafkaSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected KafkaSinkConsumer options to be an object');
  const { consumer } = options;
  if (typeof consumer?.run !== 'function' || typeof consumer.subscribe !== 'function') {
    throw new ConfigError('Expected `consumer` to be a kafkajs Consumer, from kafka.consumer({ groupId })');
  }
  return { consumer, ...resolveEachBatchOptions(options) };
}

import { ConfigError, type Sink } from '@dynamo-sink/core';
import { jsonDeserializer, type CommitEvent, type JsonObject } from '@dynamo-sink/core/kafka';
import type { Consumer } from 'kafkajs';
import type { DeadLetterHandler } from './dead-letter.js';
import type { Deserializer } from './deserializer.js';

/** Options of {@link KafkaSinkConsumer}. Bad values are rejected by the constructor with a `ConfigError`. */
export interface KafkaSinkConsumerOptions<V = JsonObject> {
  /**
   * A kafkajs consumer that is not running yet, created with your `groupId` (and `sessionTimeout`, `heartbeatInterval`,
   * `maxWaitTimeInMs`...). `run()` connects, subscribes and runs it; `stop()` disconnects it.
   */
  readonly consumer: Consumer;
  /** Where the records go: `DynamoSink`, `MemorySink` or any `Sink`. Not opened or closed here: it is yours. */
  readonly sink: Sink<V>;
  /** Topics to subscribe to: names or patterns. */
  readonly topics: readonly (string | RegExp)[];
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
  /** Records per `sink.write` call, at most; a fetched batch is cut into writes of this size. @default 500 */
  readonly recordsPerWrite?: number;
  /** `sink.write` calls in flight per partition; commits advance as the oldest ones finish. @default 4 */
  readonly writesInFlightPerPartition?: number;
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
export interface ResolvedOptions<V> {
  readonly consumer: Consumer;
  readonly sink: Sink<V>;
  readonly topics: readonly (string | RegExp)[];
  readonly fromBeginning: boolean;
  readonly deserializer: Deserializer<V>;
  readonly onDeadLetter: DeadLetterHandler<V> | undefined;
  readonly recordsPerWrite: number;
  readonly writesInFlightPerPartition: number;
  readonly partitionsConsumedConcurrently: number;
  readonly heartbeatEveryMs: number;
  readonly onCommit: ((commit: CommitEvent) => void) | undefined;
}

export const DEFAULTS = {
  fromBeginning: false,
  recordsPerWrite: 500,
  writesInFlightPerPartition: 4,
  partitionsConsumedConcurrently: 4,
  heartbeatEveryMs: 500,
} as const;

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

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: KafkaSinkConsumerOptions<V>): ResolvedOptions<V> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected KafkaSinkConsumer options to be an object');
  const { consumer, sink, topics } = options;
  if (typeof consumer?.run !== 'function' || typeof consumer.subscribe !== 'function') {
    throw new ConfigError('Expected `consumer` to be a kafkajs Consumer, from kafka.consumer({ groupId })');
  }
  if (typeof sink?.write !== 'function') {
    throw new ConfigError('Expected `sink` to be a Sink with a write(records) method, such as DynamoSink');
  }
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((topic) => (typeof topic === 'string' && topic !== '') || topic instanceof RegExp)) {
    throw new ConfigError(`Expected \`topics\` to be a non-empty array of topic names or RegExps, got ${describe(topics)}`);
  }
  if (options.fromBeginning !== undefined && typeof options.fromBeginning !== 'boolean') {
    throw new ConfigError(`Expected \`fromBeginning\` to be a boolean, got ${describe(options.fromBeginning)}`);
  }
  return {
    consumer,
    sink,
    topics: [...topics],
    fromBeginning: options.fromBeginning ?? DEFAULTS.fromBeginning,
    // Without a deserializer, V is the JSON object type (the options' default type argument).
    deserializer: optionalFunction('deserializer', options.deserializer) ?? (jsonDeserializer as unknown as Deserializer<V>),
    onDeadLetter: optionalFunction('onDeadLetter', options.onDeadLetter),
    recordsPerWrite: wholeNumber('recordsPerWrite', options.recordsPerWrite, DEFAULTS.recordsPerWrite, 1),
    writesInFlightPerPartition: wholeNumber('writesInFlightPerPartition', options.writesInFlightPerPartition, DEFAULTS.writesInFlightPerPartition, 1),
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

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return value instanceof RegExp ? String(value) : `${typeof value} ${String(value)}`;
}

import { ConfigError, type Sink } from '@dynamo-sink/core';
import type { CommitEvent } from './commit-event.js';
import type { DeadLetterHandler } from './dead-letter.js';
import { jsonDeserializer, type Deserializer } from './deserializer.js';

/**
 * The options every Kafka adapter takes, whatever its client; `M` is the client's message type. Each adapter's
 * options extend these with its consumer, its topics and settings of its own.
 */
export interface KafkaSinkOptions<V, M> {
  /** Where the records go: `DynamoSink`, `MemorySink` or any `Sink`. Not opened or closed here: it is yours. */
  readonly sink: Sink<V>;
  /** Where a group with no committed offset starts: the earliest offset (`true`) or the end. @default false */
  readonly fromBeginning?: boolean;
  /**
   * Turns a message into the record's value. Throw to reject the message: it goes to `onDeadLetter` as
   * `invalid-message`. A custom deserializer sees every message as it was read, tombstones included.
   * @default jsonDeserializer: the value as UTF-8 JSON, numbers kept exact (see `parseJson`), an object required;
   * `null` for a tombstone (a message without a value), which `DynamoSink` writes as a delete of the key's item
   */
  readonly deserializer?: Deserializer<V, M>;
  /**
   * Receives every message that can never be written: undecodable, or failed by the sink (a missing key field, a value
   * DynamoDB rejects). Its offset is committed once the returned promise resolves. If it throws, the consumer stops.
   * Without a handler, the first such message stops the consumer with an error naming it, and nothing at or past its
   * offset is committed. `deadLetterToTopic(producer, topic)` is a ready handler.
   * @default none
   */
  readonly onDeadLetter?: DeadLetterHandler<V, M>;
  /** `sink.write` calls in flight per partition; commits advance as the oldest ones finish. @default 4 */
  readonly writesInFlightPerPartition?: number;
}

/** The shared options with every default filled in, plus `recordsPerWrite` and `onCommit` (documented per adapter). */
export interface ResolvedKafkaSinkOptions<V, M> {
  readonly sink: Sink<V>;
  readonly fromBeginning: boolean;
  readonly deserializer: Deserializer<V, M>;
  readonly onDeadLetter: DeadLetterHandler<V, M> | undefined;
  readonly recordsPerWrite: number;
  readonly writesInFlightPerPartition: number;
  readonly onCommit: ((commit: CommitEvent) => void) | undefined;
}

/** Defaults of the shared options. */
export const KAFKA_SINK_DEFAULTS = {
  fromBeginning: false,
  recordsPerWrite: 500,
  writesInFlightPerPartition: 4,
} as const;

/** Rejects a `sink` without a write method. */
export function checkSink(sink: unknown): void {
  if (typeof (sink as Sink | undefined)?.write !== 'function') {
    throw new ConfigError('Expected `sink` to be a Sink with a write(records) method, such as DynamoSink');
  }
}

/** Rejects a `fromBeginning` that is neither a boolean nor left out (`regExps`: see `describeValue`). */
export function checkFromBeginning(fromBeginning: unknown, regExps = false): void {
  if (fromBeginning !== undefined && typeof fromBeginning !== 'boolean') {
    throw new ConfigError(`Expected \`fromBeginning\` to be a boolean, got ${describeValue(fromBeginning, regExps)}`);
  }
}

/**
 * Fills in the shared options' defaults (after `checkSink` and `checkFromBeginning`), rejecting bad values in this
 * order: `deserializer`, `onDeadLetter`, `recordsPerWrite`, `writesInFlightPerPartition`. `onCommit` is left to the
 * adapter, which checks it after its own settings.
 */
export function resolveKafkaSinkOptions<V, M>(
  options: KafkaSinkOptions<V, M> & { readonly recordsPerWrite?: number },
): Omit<ResolvedKafkaSinkOptions<V, M>, 'onCommit'> {
  return {
    sink: options.sink,
    fromBeginning: options.fromBeginning ?? KAFKA_SINK_DEFAULTS.fromBeginning,
    // Without a deserializer, V is `JsonObject | null` (the options' default type argument).
    deserializer: optionalFunction('deserializer', options.deserializer) ?? (jsonDeserializer as unknown as Deserializer<V, M>),
    onDeadLetter: optionalFunction('onDeadLetter', options.onDeadLetter),
    recordsPerWrite: wholeNumber('recordsPerWrite', options.recordsPerWrite, KAFKA_SINK_DEFAULTS.recordsPerWrite, 1),
    writesInFlightPerPartition: wholeNumber(
      'writesInFlightPerPartition',
      options.writesInFlightPerPartition,
      KAFKA_SINK_DEFAULTS.writesInFlightPerPartition,
      1,
    ),
  };
}

/** `value`, or `fallback` when left out; anything but a whole number >= `min` is refused with a `ConfigError`. */
export function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`Expected \`${name}\` to be a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** `value` when it is a function or left out; anything else is refused with a `ConfigError`. */
export function optionalFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigError(`Expected \`${name}\` to be a function or left out, got ${typeof value}`);
  }
  return value;
}

/** A bad option's value, for an error message: strings quoted, arrays item by item, RegExps as written when `regExps`. */
export function describeValue(value: unknown, regExps = false): string {
  if (Array.isArray(value)) return `[${value.map((item) => describeValue(item, regExps)).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return regExps && value instanceof RegExp ? String(value) : `${typeof value} ${String(value)}`;
}

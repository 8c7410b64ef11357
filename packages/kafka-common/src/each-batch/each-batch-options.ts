import { ConfigError } from '@dynamo-sink/core';
import type { CommitEvent } from '../commit-event.js';
import {
  checkFromBeginning,
  checkSink,
  describeValue,
  optionalFunction,
  resolveKafkaSinkOptions,
  wholeNumber,
  type KafkaSinkOptions,
} from '../kafka-options.js';
import type { BatchSettings } from './partition-batch.js';

/**
 * The options both eachBatch adapters (`@dynamo-sink/kafkajs`, `@dynamo-sink/confluent-kafka`) take besides their
 * consumer; each adapter documents them in its own terms.
 */
export interface EachBatchSinkOptions<V, M> extends KafkaSinkOptions<V, M> {
  /** Topics to subscribe to: names or patterns. */
  readonly topics: readonly (string | RegExp)[];
  /** Records per `sink.write` call, at most; a fetched batch is cut into writes of this size. @default 500 */
  readonly recordsPerWrite?: number;
  /** Partitions whose batches are written at once (the consumer's `partitionsConsumedConcurrently`). @default 4 */
  readonly partitionsConsumedConcurrently?: number;
  /** Called after every successful commit. Keep it cheap: it runs on the commit path. */
  readonly onCommit?: (commit: CommitEvent) => void;
}

/** The shared options with every default filled in. */
export interface ResolvedEachBatchOptions<V, M> extends BatchSettings<V, M> {
  readonly topics: readonly (string | RegExp)[];
  readonly partitionsConsumedConcurrently: number;
}

export const EACH_BATCH_DEFAULTS = { partitionsConsumedConcurrently: 4, heartbeatEveryMs: 500 } as const;

/**
 * Fills in the shared options' defaults, rejecting bad values with a `ConfigError` in this order (after the adapter
 * checked its consumer): `sink`, `topics`, `fromBeginning`, the shared Kafka options, `partitionsConsumedConcurrently`,
 * `heartbeatEveryMs`, `onCommit`. `heartbeatEveryMs` is left out by an adapter that does not let it be set.
 */
export function resolveEachBatchOptions<V, M>(
  options: EachBatchSinkOptions<V, M> & { readonly heartbeatEveryMs?: number },
): ResolvedEachBatchOptions<V, M> {
  const { topics } = options;
  checkSink(options.sink);
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((topic) => (typeof topic === 'string' && topic !== '') || topic instanceof RegExp)) {
    throw new ConfigError(`Expected \`topics\` to be a non-empty array of topic names or RegExps, got ${describeValue(topics, true)}`);
  }
  checkFromBeginning(options.fromBeginning, true);
  return {
    topics: [...topics],
    ...resolveKafkaSinkOptions(options),
    partitionsConsumedConcurrently: wholeNumber(
      'partitionsConsumedConcurrently',
      options.partitionsConsumedConcurrently,
      EACH_BATCH_DEFAULTS.partitionsConsumedConcurrently,
      1,
    ),
    heartbeatEveryMs: wholeNumber('heartbeatEveryMs', options.heartbeatEveryMs, EACH_BATCH_DEFAULTS.heartbeatEveryMs, 1),
    onCommit: optionalFunction('onCommit', options.onCommit),
  };
}

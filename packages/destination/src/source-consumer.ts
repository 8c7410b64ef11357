/**
 * The seam between the service and a Kafka client: one small interface, and one file per client under `sources/`
 * that builds it. Adding a client is a file and a line in {@link SOURCE_LOADERS}.
 */
import type { Sink } from '@dynamo-sink/core';
import type { JsonObject } from '@dynamo-sink/kafkajs';
import type { DestinationConfig, KafkaClientName } from './config.js';
import { lagReader, type OffsetsAdmin } from './consumer-lag.js';
import type { Logger } from './logger.js';

/** What the consumer reports so far. */
export interface SourceStats {
  /** Records the sink reported written. */
  readonly written: number;
  /** Messages produced to the dead-letter topic. */
  readonly deadLettered: number;
}

/** A running Kafka consumer group feeding the sink, whatever the client library. */
export interface SourceConsumer {
  /** Consumes until `stop()` (resolves) or until writing cannot go on (rejects with the reason). Call once. */
  run(): Promise<SourceStats>;
  /** Stops fetching, lets writes in flight finish, commits them and leaves the group. Idempotent. */
  stop(): Promise<void>;
  readonly stats: SourceStats;
  /** Records in the topic past the group's committed offsets; undefined when it cannot be read cheaply right now. */
  lag(): Promise<number | undefined>;
  /** Releases what `run()` does not: the dead-letter producer, admin connections. Call after `run()` settled. */
  close(): Promise<void>;
}

/**
 * The SourceConsumer of an adapter (any of the three: they share `run`, `stop` and `stats`), with the topic's lag read
 * by its own admin connection (`createAdmin`: one of the source's client, else kafkajs's); `release` closes what the
 * source made beside the adapter (the dead-letter producer).
 */
export function adapterSource(
  adapter: Pick<SourceConsumer, 'run' | 'stop' | 'stats'>,
  config: DestinationConfig,
  release: () => Promise<unknown> | undefined,
  createAdmin?: () => Promise<OffsetsAdmin>,
): SourceConsumer {
  const lag = lagReader(config, createAdmin);
  return {
    run: () => adapter.run(),
    stop: () => adapter.stop(),
    get stats() {
      return adapter.stats;
    },
    lag: () => lag.read(),
    async close() {
      await Promise.allSettled([release(), lag.close()]);
    },
  };
}

/** What a source is built from. */
export interface SourceContext {
  readonly config: DestinationConfig;
  /** Records carry the message value, or `null` for a tombstone. */
  readonly sink: Sink<JsonObject | null>;
  readonly logger: Logger;
  /** Called once the consumer has joined its group (each time it rejoins, too). */
  readonly onJoined?: () => void;
}

/** Builds a source; may reject with a {@link SourceUnavailable} when its client library is not installed. */
export type SourceFactory = (context: SourceContext) => Promise<SourceConsumer>;

/** The chosen client cannot be loaded; the message says what to install. */
export class SourceUnavailable extends Error {
  override name = 'SourceUnavailable';
}

/** One loader per `kafka_client` value; each imports its client only when chosen. */
export const SOURCE_LOADERS: Record<KafkaClientName, () => Promise<SourceFactory>> = {
  kafkajs: async () => (await import('./sources/kafkajs-source.js')).createKafkajsSource,
  'node-rdkafka': async () => (await import('./sources/rdkafka-source.js')).createRdkafkaSource,
  confluent: async () => (await import('./sources/confluent-source.js')).createConfluentSource,
};

/** Builds the source `kafka_client` names. */
export async function createSource(context: SourceContext): Promise<SourceConsumer> {
  const factory = await SOURCE_LOADERS[context.config.kafkaClient]();
  return factory(context);
}

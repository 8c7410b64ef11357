/**
 * node-rdkafka's offset queries in the shape the lag reader asks for (consumer-lag.ts). Confluent's package has the same
 * node-rdkafka-compatible KafkaConsumer beside its KafkaJS-compatible API, so both sources use this.
 */
import type { DestinationConfig } from '../config.js';
import type { OffsetsAdmin } from '../consumer-lag.js';

/** The part of node-rdkafka's KafkaConsumer used here: it connects, and never subscribes. */
export interface RdkafkaOffsetsClient {
  connect(options: { topic: string; timeout: number }, callback: (error: Error | null) => void): void;
  disconnect(callback: () => void): void;
  getMetadata(options: { topic: string; timeout: number }, callback: (error: Error | null, metadata: { topics: { name: string; partitions: { id: number }[] }[] }) => void): void;
  queryWatermarkOffsets(topic: string, partition: number, timeout: number, callback: (error: Error | null, offsets: { highOffset: number; lowOffset: number }) => void): void;
  committed(
    partitions: { topic: string; partition: number }[],
    timeout: number,
    callback: (error: Error | null, offsets: { topic: string; partition: number; offset?: number }[]) => void,
  ): void;
}

/** node-rdkafka's KafkaConsumer class (or Confluent's node-rdkafka-compatible one). */
export type RdkafkaConsumerClass = new (config: Record<string, unknown>, topicConfig: Record<string, unknown>) => RdkafkaOffsetsClient;

const TIMEOUT_MS = 5_000;

/** Makes the lag reader's admin: a new consumer of the group that never subscribes (its queries only). */
export function rdkafkaLagAdmin(KafkaConsumer: RdkafkaConsumerClass, config: DestinationConfig): () => Promise<OffsetsAdmin> {
  return async () =>
    rdkafkaOffsetsAdmin(
      new KafkaConsumer(
        { 'group.id': config.consumerGroup, 'metadata.broker.list': config.brokers.join(','), 'client.id': `dynamo-sink-destination-lag-${config.tableName}` },
        {},
      ),
      config.input,
    );
}

/** The lag's two queries on a node-rdkafka consumer of the group: watermarks per partition, and the group's commits. */
export function rdkafkaOffsetsAdmin(client: RdkafkaOffsetsClient, topic: string): OffsetsAdmin {
  const call = <T>(start: (callback: (error: Error | null, result: T) => void) => void) =>
    new Promise<T>((resolve, reject) => start((error, result) => (error ? reject(error) : resolve(result))));
  // The two queries of a read run at once and both need the topic's partitions: one metadata request serves both.
  const lookups = new Map<string, Promise<number[]>>();
  const partitionsOf = (name: string): Promise<number[]> => {
    let lookup = lookups.get(name);
    if (!lookup) {
      lookup = call<{ topics: { name: string; partitions: { id: number }[] }[] }>((done) => client.getMetadata({ topic: name, timeout: TIMEOUT_MS }, done))
        .then((metadata) => (metadata.topics.find((entry) => entry.name === name)?.partitions ?? []).map(({ id }) => id))
        .finally(() => lookups.delete(name));
      lookups.set(name, lookup);
    }
    return lookup;
  };
  return {
    connect: () => call<void>((done) => client.connect({ topic, timeout: TIMEOUT_MS }, (error) => done(error, undefined))),
    disconnect: () => new Promise<void>((resolve) => client.disconnect(() => resolve())),
    async fetchTopicOffsets(name) {
      const partitions = await partitionsOf(name);
      return Promise.all(
        partitions.map(async (partition) => {
          const { highOffset, lowOffset } = await call<{ highOffset: number; lowOffset: number }>((done) => client.queryWatermarkOffsets(name, partition, TIMEOUT_MS, done));
          return { partition, high: String(highOffset), low: String(lowOffset) };
        }),
      );
    },
    async fetchOffsets({ topics }) {
      return Promise.all(
        topics.map(async (name) => {
          const partitions = (await partitionsOf(name)).map((partition) => ({ topic: name, partition }));
          const offsets = await call<{ partition: number; offset?: number }[]>((done) => client.committed(partitions, TIMEOUT_MS, done));
          // librdkafka says -1001 where the group committed nothing.
          return { partitions: offsets.map(({ partition, offset }) => ({ partition, offset: String(offset ?? -1) })) };
        }),
      );
    },
  };
}

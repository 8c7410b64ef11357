import type { DestinationConfig } from './config.js';
import { skipKafkajsIdleLoop } from './kafkajs-idle-loop.js';

/** Reads the group's lag from the brokers. */
export interface LagReader {
  /** Records in the topic past the group's committed offsets; undefined when the brokers cannot be asked right now. */
  read(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The two offset queries the lag needs, in the shape of kafkajs's `Admin`; node-rdkafka's are adapted to it (sources/rdkafka-offsets.ts). */
export interface OffsetsAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Each partition's first (`low`) and next (`high`) offset. */
  fetchTopicOffsets(topic: string): Promise<readonly { partition: number; high: string; low: string }[]>;
  /** The group's committed offset per partition of each topic; negative where it committed nothing. */
  fetchOffsets(options: { groupId: string; topics: string[] }): Promise<readonly { partitions: readonly { partition: number; offset: string }[] }[]>;
}

/**
 * Lag is a broker-side fact (end offsets against the group's commits), so it is read the same way whichever client
 * consumes: two small requests (ListOffsets, OffsetFetch) per progress line, over an admin connection of its own (it
 * outlives the consumer: the last progress line is written after the consumer left). By default a kafkajs admin; a
 * node-rdkafka or Confluent source passes one of its own client, so that it loads no second Kafka client.
 */
export function lagReader(config: DestinationConfig, createAdmin: () => Promise<OffsetsAdmin> = () => kafkajsAdmin(config)): LagReader {
  let admin: Promise<OffsetsAdmin> | undefined;
  const connect = async (): Promise<OffsetsAdmin> => {
    const created = await createAdmin();
    await created.connect();
    return created;
  };
  return {
    async read() {
      try {
        const connected = await (admin ??= connect().catch((error: unknown) => {
          admin = undefined; // the next read tries again
          throw error;
        }));
        const [ends, [committed]] = await Promise.all([
          connected.fetchTopicOffsets(config.input),
          connected.fetchOffsets({ groupId: config.consumerGroup, topics: [config.input] }),
        ]);
        const committedByPartition = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
        return ends.reduce((sum, { partition, high, low }) => {
          const at = committedByPartition.get(partition) ?? -1;
          return sum + Math.max(0, Number(high) - (at < 0 ? Number(low) : at));
        }, 0);
      } catch {
        return undefined;
      }
    },
    async close() {
      await admin?.then((connected) => connected.disconnect()).catch(() => {});
    },
  };
}

/** A kafkajs admin, loaded on first use: a service on another client starts without kafkajs's modules. */
async function kafkajsAdmin(config: DestinationConfig): Promise<OffsetsAdmin> {
  const { Kafka, logLevel } = await import('kafkajs');
  skipKafkajsIdleLoop();
  return new Kafka({ clientId: `dynamo-sink-destination-lag-${config.tableName}`, brokers: [...config.brokers], logLevel: logLevel.NOTHING }).admin();
}

import type { Admin } from 'kafkajs';
import type { DestinationConfig } from './config.js';
import { skipKafkajsIdleLoop } from './kafkajs-idle-loop.js';

/** Reads the group's lag from the brokers. */
export interface LagReader {
  /** Records in the topic past the group's committed offsets; undefined when the brokers cannot be asked right now. */
  read(): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Lag is a broker-side fact (end offsets against the group's commits), so it is read the same way whichever client
 * consumes: two small requests (ListOffsets, OffsetFetch) per progress line, over a kafkajs admin connection.
 */
export function lagReader(config: DestinationConfig): LagReader {
  let admin: Promise<Admin> | undefined;
  const connect = async (): Promise<Admin> => {
    // Loaded on first use: a node-rdkafka or Confluent service starts without kafkajs's modules.
    const { Kafka, logLevel } = await import('kafkajs');
    skipKafkajsIdleLoop();
    const created = new Kafka({ clientId: `dynamo-sink-destination-lag-${config.tableName}`, brokers: [...config.brokers], logLevel: logLevel.NOTHING }).admin();
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

import { describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../src/config.js';
import { lagReader } from '../src/consumer-lag.js';
import { rdkafkaOffsetsAdmin, type RdkafkaOffsetsClient } from '../src/sources/rdkafka-offsets.js';

const config = { input: 'events', consumerGroup: 'sink-group', brokers: ['127.0.0.1:1'], tableName: 'events' } as unknown as DestinationConfig;

/** node-rdkafka's callback API over fixed offsets: partitions 0 to 2 of `events`; `failConnects` connects fail first. */
function fakeClient(committed: Record<number, number | undefined>, failConnects = 0): RdkafkaOffsetsClient & { calls: string[] } {
  const watermarks: Record<number, { lowOffset: number; highOffset: number }> = {
    0: { lowOffset: 0, highOffset: 100 },
    1: { lowOffset: 40, highOffset: 50 }, // retention dropped 0 to 39
    2: { lowOffset: 0, highOffset: 7 },
  };
  const calls: string[] = [];
  return {
    calls,
    connect(options, callback) {
      calls.push(`connect ${options.topic}`);
      setImmediate(() => callback(failConnects-- > 0 ? new Error('Local: Broker transport failure') : null));
    },
    disconnect(callback) {
      calls.push('disconnect');
      setImmediate(callback);
    },
    getMetadata(options, callback) {
      setImmediate(() => callback(null, { topics: [{ name: options.topic, partitions: [{ id: 0 }, { id: 1 }, { id: 2 }] }] }));
    },
    queryWatermarkOffsets(topic, partition, _timeout, callback) {
      setImmediate(() => callback(null, watermarks[partition]!));
    },
    committed(partitions, _timeout, callback) {
      calls.push(`committed ${partitions.map((p) => `${p.topic}/${p.partition}`).join(' ')}`);
      setImmediate(() => callback(null, partitions.map(({ topic, partition }) => ({ topic, partition, offset: committed[partition] }))));
    },
  };
}

describe('the lag read with node-rdkafka\'s API (node-rdkafka and Confluent sources)', () => {
  it('counts each partition from its commit, or from its first offset where the group committed nothing', async () => {
    // librdkafka reports -1001 for a partition without a commit.
    const client = fakeClient({ 0: 90, 1: -1001, 2: 7 });
    const reader = lagReader(config, async () => rdkafkaOffsetsAdmin(client, config.input));
    expect(await reader.read()).toBe(10 + 10 + 0);
    await reader.close();
    expect(client.calls).toEqual(['connect events', 'committed events/0 events/1 events/2', 'disconnect']);
  });

  it('says undefined while the brokers cannot be reached, and connects again at the next read', async () => {
    const client = fakeClient({ 0: 100, 1: 50, 2: 0 }, 1);
    const reader = lagReader(config, async () => rdkafkaOffsetsAdmin(client, config.input));
    expect(await reader.read()).toBeUndefined();
    expect(await reader.read()).toBe(7);
    await reader.close();
    expect(client.calls.filter((call) => call.startsWith('connect'))).toHaveLength(2);
  });
});

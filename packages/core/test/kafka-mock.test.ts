import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaMock, type KafkaMock } from '@dynamo-sink/test-servers/kafka';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const canConnect = (address: string) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = address.split(':');
    const socket = connect({ host: host!, port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('librdkafka mock cluster hosted by kcat', () => {
  let mock: KafkaMock;
  beforeAll(async () => {
    mock = await startKafkaMock();
  });
  afterAll(() => mock?.stop());

  it('listens on 127.0.0.1 and a free port', async () => {
    expect(mock.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await canConnect(mock.bootstrap)).toBe(true);
  });

  it('auto-creates a topic with 4 partitions on first produce and reports end offsets', async () => {
    await mock.produce('mock-produce', Array.from({ length: 100 }, (_, i) => ({ value: `m${i}`, partition: i % 4 })));
    expect(await mock.endOffsets('mock-produce')).toEqual({ 0: '25', 1: '25', 2: '25', 3: '25' });
    const metadata = await mock.kafka().admin();
    await metadata.connect();
    const { topics } = await metadata.fetchTopicMetadata({ topics: ['mock-produce'] });
    await metadata.disconnect();
    expect(topics[0]?.partitions).toHaveLength(4);
  });

  it('keeps the offsets a consumer group commits', async () => {
    await mock.produce('mock-commit', Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })));
    expect(await mock.committedOffsets('mock-group', 'mock-commit')).toEqual({ 0: '-1', 1: '-1', 2: '-1', 3: '-1' });
    const consumer = mock.kafka().consumer({ groupId: 'mock-group', sessionTimeout: 6_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['mock-commit'], fromBeginning: true });
    let seen = 0;
    const allSeen = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          const last = batch.lastOffset();
          resolveOffset(last);
          await commitOffsetsIfNecessary({
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last) + 1n) }] }],
          });
          seen += batch.messages.length;
          if (seen === 10) resolve();
        },
      });
    });
    await allSeen;
    await consumer.disconnect();
    expect(await mock.committedOffsets('mock-group', 'mock-commit')).toEqual({ 0: '5', 1: '5', 2: '-1', 3: '-1' });
  });

  it('is stopped by its PID', async () => {
    const other = await startKafkaMock();
    expect(isAlive(other.pid)).toBe(true);
    await other.stop();
    expect(isAlive(other.pid)).toBe(false);
    expect(await canConnect(other.bootstrap)).toBe(false);
  });
});

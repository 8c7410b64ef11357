/**
 * KafkaSinkConsumer against a real Kafka-protocol broker (librdkafka's mock cluster, hosted by kcat) writing into
 * DynamoSink on dynalite.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoSink, MemorySink, WriteError, type SinkRecord } from '@dynamo-sink/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, deadLetterToTopic, KafkaSinkConsumer, KafkaSinkError, type DeadLetter, type JsonObject } from '../src/index.js';
import { makeClient, startDynalite, type TestServer } from '../../core/test/support/servers.js';
import { scanTable } from './support/dynamo-table.js';
import { ScriptedSink } from './support/scripted-sink.js';
import { startKafkaMock, type KafkaMock } from '../../core/test/support/kafka-mock.js';
import { waitUntil } from './support/wait-until.js';
import { tableDifferences, workload } from './support/workload.js';

/** FIELD-NOTES: a heartbeat interval of 2000 hangs the mock's group; these work. */
const GROUP_TIMING = { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 };

async function committedEqualsEnd(mock: KafkaMock, groupId: string, topic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([mock.committedOffsets(groupId, topic), mock.endOffsets(topic)]);
  return Object.keys(end).length > 0 && JSON.stringify(committed) === JSON.stringify(end);
}

describe('KafkaSinkConsumer on the mock broker, into DynamoSink on dynalite', () => {
  let mock: KafkaMock;
  let dynamo: TestServer;
  beforeAll(async () => {
    [mock, dynamo] = await Promise.all([startKafkaMock(), startDynalite()]);
  });
  afterAll(async () => {
    await Promise.all([mock?.stop(), dynamo?.close()]);
  });

  it('writes 10,000 messages with bad ones mixed in: the table holds exactly the newest good records, the dead-letter topic exactly the bad ones, and the group commits the end offsets', async () => {
    const topic = 'orders';
    const deadLetterTopic = 'orders.dead-letter';
    const groupId = 'orders-to-dynamodb';
    const expected = workload(10_000, 2_500);
    await mock.produce(topic, expected.messages);
    const endOffsets = await mock.endOffsets(topic);
    expect(Object.keys(endOffsets)).toHaveLength(4);
    expect(Object.values(endOffsets).every((offset) => Number(offset) > 2_000)).toBe(true);

    const kafka = mock.kafka('orders-sink');
    const producer = kafka.producer();
    await producer.connect();
    const toTopic = deadLetterToTopic(producer, deadLetterTopic);
    const letters: DeadLetter[] = [];
    const sink = new DynamoSink({ tableName: 'orders', partitionKey: 'id', client: makeClient(dynamo.endpoint), createTable: true });
    const pipe = new KafkaSinkConsumer({
      consumer: kafka.consumer({ groupId, ...GROUP_TIMING }),
      sink,
      topics: [topic],
      fromBeginning: true,
      onDeadLetter: async (letter) => {
        letters.push(letter);
        await toTopic(letter);
      },
    });
    const running = pipe.run();
    await waitUntil(() => committedEqualsEnd(mock, groupId, topic), { timeoutMs: 30_000, intervalMs: 200, what: 'committed = end offsets' });
    await pipe.stop();
    const stats = await running;
    await producer.disconnect();
    await sink.close();

    expect(await mock.committedOffsets(groupId, topic)).toEqual(endOffsets);
    expect(tableDifferences(await scanTable(dynamo.endpoint, 'orders'), expected)).toEqual([]);
    expect(letters.map((letter) => `${letter.reason} ${letter.message.value?.toString()}`).sort()).toEqual(expected.badLetters);
    expect(stats.deadLettered).toBe(expected.badLetters.length);
    expect(stats.written).toBe(10_000 - expected.badLetters.length);

    // The dead-letter topic holds each bad message with why and where in its headers (read with kcat: no group join).
    const dlqEnd = await mock.endOffsets(deadLetterTopic);
    expect(Object.values(dlqEnd).reduce((sum, offset) => sum + Number(offset), 0)).toBe(expected.badLetters.length);
    const { stdout } = await promisify(execFile)('kcat', ['-C', '-b', mock.bootstrap, '-t', deadLetterTopic, '-o', 'beginning', '-e', '-q', '-J']);
    const produced = stdout.trim().split('\n').map((line) => JSON.parse(line) as { payload: string; headers: string[] });
    const missingKey = produced.find((message) => message.payload.startsWith('{"seq":7}'))!;
    const headers = Object.fromEntries(missingKey.headers.flatMap((_, i, all) => (i % 2 === 0 ? [[all[i], all[i + 1]]] : [])));
    const source = letters.find((letter) => letter.message.value?.toString() === '{"seq":7}')!;
    expect(headers).toEqual({
      [DEAD_LETTER_HEADERS.reason]: 'invalid-key',
      [DEAD_LETTER_HEADERS.error]: source.error.message,
      [DEAD_LETTER_HEADERS.field]: 'id',
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: String(source.partition),
      [DEAD_LETTER_HEADERS.offset]: source.offset,
      [DEAD_LETTER_HEADERS.timestamp]: source.message.timestamp,
    });
  });

  it('stops on a WriteError with nothing committed past the unwritten records, and a restart resumes there', async () => {
    const topic = 'write-error';
    const groupId = 'write-error-group';
    await mock.produce(topic, Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: JSON.stringify({ id: `id-${i}` }) })));
    const endOffsets = await mock.endOffsets(topic);
    const consumerFor = () => mock.kafka('write-error').consumer({ groupId, ...GROUP_TIMING });

    // Partition 0's slice holding offset 50 writes 40-49, then gives up on the rest.
    const failing = new ScriptedSink<JsonObject>((records, _call, self) => {
      const isUnwritten = (record: SinkRecord<JsonObject>) => record.partition === 0 && Number(record.offset) >= 50;
      if (!records.some(isUnwritten)) return self.store(records);
      self.store(records.filter((record) => !isUnwritten(record)));
      const unwritten = records.filter(isUnwritten);
      throw new WriteError(`${unwritten.length} records were not written: retries ran out`, { unwritten, written: records.length - unwritten.length, failed: [] });
    });
    const first = new KafkaSinkConsumer({ consumer: consumerFor(), sink: failing, topics: [topic], fromBeginning: true, recordsPerWrite: 20 });
    const error = await first.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect(error).toMatchObject({ topic, partition: 0, offset: '50' });
    const committed = await mock.committedOffsets(groupId, topic);
    expect(committed[0]).toBe('50');
    for (const partition of [1, 2, 3]) {
      const stored = failing.stored.filter((record) => record.partition === partition).length;
      expect(Number(committed[partition])).toBeLessThanOrEqual(stored);
    }

    const healthy = new MemorySink<JsonObject>();
    const second = new KafkaSinkConsumer({ consumer: consumerFor(), sink: healthy, topics: [topic], fromBeginning: true });
    const running = second.run();
    await waitUntil(() => committedEqualsEnd(mock, groupId, topic), { timeoutMs: 20_000, intervalMs: 200, what: 'committed = end offsets' });
    await second.stop();
    await running;
    const resumedAt = (partition: number) => healthy.records.find((record) => record.partition === partition)?.offset ?? endOffsets[partition];
    expect([0, 1, 2, 3].map(resumedAt)).toEqual([0, 1, 2, 3].map((partition) => (committed[partition] === '-1' ? '0' : committed[partition])));
    const positions = new Set([...failing.stored, ...healthy.records].map((record) => `${record.partition}:${record.offset}`));
    expect(positions.size).toBe(400);
  });
});

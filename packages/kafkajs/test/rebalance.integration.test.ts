/**
 * Scaling out: a second consumer joins the group midway; the partitions are split between the two, and nothing is
 * lost in the handover (writes in flight finish before the group rejoins).
 */
import { DynamoSink, type SinkRecord } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { KafkaSinkConsumer } from '../src/index.js';
import { delayed, makeClient, scanTable, waitUntil } from '@dynamo-sink/test-servers';
import { offsetTotal, useKafkaAndDynamo } from '@dynamo-sink/test-servers/kafka-scenarios';
import { tableDifferences, workload } from '@dynamo-sink/test-servers/kafka';
import { GROUP_TIMING } from './support/launcher.js';

describe('two consumers in one group', () => {
  const servers = useKafkaAndDynamo();

  it('split the partitions after a rebalance midway and lose nothing', async () => {
    const { mock, dynamo } = servers;
    const topic = 'scale-out';
    const groupId = 'scale-out-group';
    const expected = workload(6_000, 6_000);
    await mock.produce(topic, expected.messages);
    const endOffsets = await mock.endOffsets(topic);
    const end = offsetTotal(endOffsets);
    const committedTotal = async () => offsetTotal(await mock.committedOffsets(groupId, topic), true);

    const sink = new DynamoSink({ tableName: 'scale-out', partitionKey: 'id', client: makeClient(dynamo.endpoint), createTable: true });
    const assignments: Record<string, number[][]> = { a: [], b: [] };
    const partitionsWritten: Record<string, Set<number>> = { a: new Set(), b: new Set() };
    const startMember = (name: 'a' | 'b') => {
      const consumer = mock.kafka(name).consumer({ groupId, ...GROUP_TIMING });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => assignments[name]!.push(payload.memberAssignment[topic] ?? []));
      const slow = delayed(sink, 100);
      const pipe = new KafkaSinkConsumer({
        consumer,
        sink: {
          write: (records: readonly SinkRecord<Record<string, unknown>>[]) => {
            for (const record of records) partitionsWritten[name]!.add(record.partition!);
            return slow.write(records);
          },
        },
        topics: [topic],
        fromBeginning: true,
        recordsPerWrite: 50,
        writesInFlightPerPartition: 1,
        onDeadLetter: () => {},
      });
      return { pipe, running: pipe.run() };
    };

    const a = startMember('a');
    await waitUntil(async () => (await committedTotal()) >= 1_000, { timeoutMs: 20_000, intervalMs: 100, what: 'a to commit 1,000' });
    expect(await committedTotal()).toBeLessThan(end / 2);
    const b = startMember('b');
    await waitUntil(async () => (await committedTotal()) === end, { timeoutMs: 40_000, intervalMs: 200, what: 'all committed' });
    await Promise.all([a.pipe.stop(), b.pipe.stop()]);
    const [statsA, statsB] = await Promise.all([a.running, b.running]);
    await sink.close();

    // a had all four partitions, then two after b joined; b took the other two.
    expect(assignments['a']![0]).toEqual([0, 1, 2, 3]);
    expect(assignments['a']!.at(-1)).toHaveLength(2);
    expect(assignments['b']).toEqual([expect.any(Array)]);
    expect([...assignments['a']!.at(-1)!, ...assignments['b']![0]!].sort()).toEqual([0, 1, 2, 3]);
    expect(partitionsWritten['b']!.size).toBe(2);
    // At least once: every message was handled, some twice (the mock refuses commits during a rebalance; see README).
    expect(statsA.written + statsA.deadLettered + statsB.written + statsB.deadLettered).toBeGreaterThanOrEqual(end);
    expect(await mock.committedOffsets(groupId, topic)).toEqual(endOffsets);
    expect(tableDifferences(await scanTable(dynamo.endpoint, 'scale-out'), expected)).toEqual([]);
  });
});

/**
 * Scaling out: a second RdkafkaSinkConsumer joins the group midway on the mock broker; the partitions are split
 * between the two, and nothing is lost in the handover (on a revoke, writes in flight finish and are committed before
 * `unassign`). Into DynamoSink on dynalite.
 */
import { DynamoSink, type SinkRecord } from '@dynamo-sink/core';
import rdkafka, { type ConsumerGlobalConfig, type LibrdKafkaError, type TopicPartition } from 'node-rdkafka';
import { describe, expect, it } from 'vitest';
import { RdkafkaSinkConsumer, type JsonObject } from '../src/index.js';
import { delayed, makeClient, scanTable, waitUntil } from '@dynamo-sink/test-servers';
import { offsetTotal, useKafkaAndDynamo } from '@dynamo-sink/test-servers/kafka-scenarios';
import { tableDifferences, workload } from '@dynamo-sink/test-servers/kafka';

/** librdkafka's rebalance event code for an assignment. */
const ASSIGN_PARTITIONS = -175;

/** The mock's group needs short timeouts: librdkafka's default session timeout (45 s) makes a rejoin that slow. */
const consumerConfig = (bootstrap: string, groupId: string, clientId: string): ConsumerGlobalConfig => ({
  'metadata.broker.list': bootstrap,
  'group.id': groupId,
  'client.id': clientId,
  'session.timeout.ms': 6_000,
  'heartbeat.interval.ms': 1_000,
  'log_level': 3,
});

describe('two RdkafkaSinkConsumers in one group', () => {
  const servers = useKafkaAndDynamo();

  it('split the partitions after a rebalance midway and lose nothing', { timeout: 45_000 }, async () => {
    const { mock, dynamo } = servers;
    const topic = 'scale-out';
    const groupId = 'scale-out-group';
    const expected = workload(6_000, 6_000);
    await mock.produce(topic, expected.messages);
    const endOffsets = await mock.endOffsets(topic);
    expect(Object.keys(endOffsets)).toHaveLength(4);
    const end = offsetTotal(endOffsets);
    const committedTotal = async () => offsetTotal(await mock.committedOffsets(groupId, topic), true);

    const sink = new DynamoSink<JsonObject | null>({ tableName: 'scale-out', partitionKey: 'id', client: makeClient(dynamo.endpoint), createTable: true });
    type Member = 'a' | 'b';
    /** Each assignment a member received, in order (EAGER: each one is the member's whole share). */
    const assignments: Record<Member, number[][]> = { a: [], b: [] };
    const partitionsWritten: Record<Member, Set<number>> = { a: new Set(), b: new Set() };
    const startMember = (name: Member) => {
      const slow = delayed(sink, 100);
      const pipe = new RdkafkaSinkConsumer<JsonObject | null>({
        consumerConfig: consumerConfig(mock.bootstrap, groupId, `scale-out-${name}`),
        // The real KafkaConsumer, watched: node-rdkafka emits `rebalance` before calling the adapter's rebalance_cb.
        createConsumer: (config, topicConfig) => {
          const consumer = new rdkafka.KafkaConsumer(config, topicConfig);
          consumer.on('rebalance', (error: LibrdKafkaError, assignment: TopicPartition[]) => {
            if (error.code === ASSIGN_PARTITIONS) assignments[name].push(assignment.map(({ partition }) => partition).sort());
          });
          return consumer;
        },
        sink: {
          write: (records: readonly SinkRecord<JsonObject | null>[]) => {
            for (const record of records) partitionsWritten[name].add(record.partition!);
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
    await waitUntil(async () => (await committedTotal()) === end, { timeoutMs: 30_000, intervalMs: 200, what: 'all committed' });
    await Promise.all([a.pipe.stop(), b.pipe.stop()]);
    const [statsA, statsB] = await Promise.all([a.running, b.running]);
    await sink.close();

    // a had all four partitions, then two after b joined; b took the other two.
    expect(assignments.a[0]).toEqual([0, 1, 2, 3]);
    expect(assignments.b.length).toBeGreaterThanOrEqual(1);
    const split = assignments.a.slice(1).some((ofA) => ofA.length === 2 && assignments.b.some((ofB) => [...ofA, ...ofB].sort().join() === '0,1,2,3'));
    expect(split, `assignments: ${JSON.stringify(assignments)}`).toBe(true);
    // b wrote records of exactly the partitions it was given.
    expect([...partitionsWritten.b].sort()).toEqual([...new Set(assignments.b.flat())].sort());
    expect(partitionsWritten.b.size).toBeGreaterThan(0);
    // At least once: every message was handled, some perhaps twice (a commit refused during the rebalance).
    expect(statsA.written + statsA.deadLettered + statsB.written + statsB.deadLettered).toBeGreaterThanOrEqual(end);
    expect(await mock.committedOffsets(groupId, topic)).toEqual(endOffsets);
    expect(tableDifferences(await scanTable(dynamo.endpoint, 'scale-out'), expected)).toEqual([]);
  });
});

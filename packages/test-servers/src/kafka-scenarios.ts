/**
 * The Kafka adapters' integration scenarios, written once and run by each adapter (`@dynamo-sink/kafkajs`,
 * `@dynamo-sink/node-rdkafka`, `@dynamo-sink/confluent-kafka`) through a small {@link KafkaAdapterLauncher}:
 * librdkafka's mock cluster (kafka-mock.ts) in, DynamoSink on dynalite (servers.ts) out.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoSink, MemorySink, WriteError, type Sink, type SinkRecord } from '@dynamo-sink/core';
import { DEAD_LETTER_HEADERS, KafkaSinkError, type JsonObject } from '@dynamo-sink/kafka-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delayed, scanTable } from './dynamo-table.js';
import { startKafkaMock, type KafkaMock } from './kafka-mock.js';
import { ScriptedSink } from './scripted-sink.js';
import { makeClient, startDynalite, type TestServer } from './servers.js';
import { waitUntil } from './wait-until.js';
import { tableDifferences, workload } from './workload.js';

/** What `run()` of every adapter resolves with. */
export interface PipeStats {
  readonly written: number;
  readonly deadLettered: number;
}

/** An adapter's consumer, as the scenarios drive it. */
export interface SinkPipe {
  run(): Promise<PipeStats>;
  stop(): Promise<void>;
}

/** A dead letter as the scenarios read it: the fields every adapter's `DeadLetter` has. */
export interface LetterSeen {
  readonly reason: string;
  readonly error: Error;
  readonly partition: number;
  readonly offset: string;
  readonly message: { readonly value?: Buffer | null; readonly timestamp?: string | number };
}

/** The options every adapter takes, in the scenarios' terms; `tuning` is spread into the adapter's own options. */
export interface PipeSettings {
  readonly groupId: string;
  /** A client name for the adapter's consumer (kafkajs's clientId). */
  readonly clientId: string;
  readonly sink: Sink<JsonObject | null>;
  readonly topic: string;
  readonly recordsPerWrite?: number;
  readonly writesInFlightPerPartition?: number;
  readonly onDeadLetter?: (letter: LetterSeen) => void | Promise<void>;
  readonly onCommit?: (commit: { partition: number; offset: string }) => void;
  /** Called with the partitions of each assignment the member receives, sorted (the rebalance scenario needs it). */
  readonly onAssigned?: (partitions: number[]) => void;
  readonly tuning?: Record<string, unknown>;
}

/** How the scenarios start one adapter: its consumer, its dead-letter producer, its crash-test child. */
export interface KafkaAdapterLauncher {
  /** The consumer class's name, for the test titles. */
  readonly name: string;
  /** A consumer pipe of this adapter reading `settings.topic` from the beginning, not running yet. */
  pipe(mock: KafkaMock, settings: PipeSettings): SinkPipe;
  /** A connected producer and `deadLetterToTopic(producer, topic)`; `close` disconnects the producer. */
  deadLetterProducer(mock: KafkaMock, topic: string): Promise<{ handler: (letter: LetterSeen) => void | Promise<void>; close(): Promise<void> }>;
  /** The 10,000-message run: adapter options of its own, and records buffered now (checked against `atMost`). */
  readonly orders?: { readonly tuning?: Record<string, unknown>; readonly buffered?: { of(pipe: SinkPipe): number; atMost: number } };
  /** The crash test's child (consume-child.ts, see consume-child-main.ts) and the line it prints first. */
  readonly crashChild: { readonly script: string; readonly packageDir: string; readonly firstLine: string };
}

/** The options every adapter takes, from the scenario's settings, to spread into the adapter's own (reading from the beginning). */
export function sharedOptions({ sink, topic, recordsPerWrite, writesInFlightPerPartition, onDeadLetter, onCommit, tuning }: PipeSettings) {
  return { sink, topics: [topic], fromBeginning: true, recordsPerWrite, writesInFlightPerPartition, onDeadLetter, onCommit, ...tuning };
}

/** The mock broker and dynalite, started before the file's tests and stopped after. */
export function useKafkaAndDynamo(): { readonly mock: KafkaMock; readonly dynamo: TestServer } {
  const servers = {} as { mock: KafkaMock; dynamo: TestServer };
  beforeAll(async () => {
    [servers.mock, servers.dynamo] = await Promise.all([startKafkaMock(), startDynalite()]);
  });
  afterAll(async () => {
    await Promise.all([servers.mock?.stop(), servers.dynamo?.close()]);
  });
  return servers;
}

/** Sum of a partition → offset map; with `floor`, offsets below 0 (nothing committed: -1) count as 0. */
export function offsetTotal(offsets: Record<string | number, string>, floor = false): number {
  return Object.values(offsets).reduce((sum, offset) => sum + (floor ? Math.max(0, Number(offset)) : Number(offset)), 0);
}

async function committedEqualsEnd(mock: KafkaMock, groupId: string, topic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([mock.committedOffsets(groupId, topic), mock.endOffsets(topic)]);
  return Object.keys(end).length > 0 && JSON.stringify(committed) === JSON.stringify(end);
}

/**
 * The end-to-end scenarios: a large mixed stream with tombstones and dead letters, and a WriteError then a restart.
 * Items are named from the message key (`id=key`), so that a tombstone (a key and no value) deletes its item.
 */
export function testKafkaIntegration(launcher: KafkaAdapterLauncher): void {
  describe(`${launcher.name} on the mock broker, into DynamoSink on dynalite`, () => {
    const servers = useKafkaAndDynamo();

    it('writes 10,000 messages with tombstones and bad ones mixed in: the table holds exactly the last good record of each id not deleted after it, the dead-letter topic exactly the bad ones, and the group commits the end offsets', async () => {
      const { mock, dynamo } = servers;
      const topic = 'orders';
      const deadLetterTopic = 'orders.dead-letter';
      const groupId = 'orders-to-dynamodb';
      const expected = workload(10_000, 2_500, { tombstones: true });
      // The stream deletes ids for good, and deletes ids that come back later: both must show in the table.
      expect(expected.tombstones).toBeGreaterThan(800);
      expect(expected.deletedIds.size).toBeGreaterThan(100);
      expect(expected.reputIds.size).toBeGreaterThan(100);
      await mock.produce(topic, expected.messages);
      const endOffsets = await mock.endOffsets(topic);
      expect(Object.keys(endOffsets)).toHaveLength(4);
      expect(Object.values(endOffsets).every((offset) => Number(offset) > 2_000)).toBe(true);

      const deadLetters = await launcher.deadLetterProducer(mock, deadLetterTopic);
      const letters: LetterSeen[] = [];
      const commits: string[] = [];
      let maxBuffered = 0;
      const sink = new DynamoSink({ tableName: 'orders', partitionKey: expected.partitionKey, client: makeClient(dynamo.endpoint), createTable: true });
      const pipe: SinkPipe = launcher.pipe(mock, {
        groupId,
        clientId: 'orders-sink',
        sink,
        topic,
        tuning: launcher.orders?.tuning,
        onDeadLetter: async (letter) => {
          letters.push(letter);
          await deadLetters.handler(letter);
        },
        onCommit: ({ partition, offset }) => {
          commits.push(`${partition}:${offset}`);
          if (launcher.orders?.buffered) maxBuffered = Math.max(maxBuffered, launcher.orders.buffered.of(pipe));
        },
      });
      const running = pipe.run();
      await waitUntil(() => committedEqualsEnd(mock, groupId, topic), { timeoutMs: 30_000, intervalMs: 200, what: 'committed = end offsets' });
      await pipe.stop();
      const stats = await running;
      await deadLetters.close();
      await sink.close();

      expect(await mock.committedOffsets(groupId, topic)).toEqual(endOffsets);
      expect(tableDifferences(await scanTable(dynamo.endpoint, 'orders'), expected)).toEqual([]);
      expect(letters.map((letter) => `${letter.reason} ${letter.message.value?.toString()}`).sort()).toEqual(expected.badLetters);
      // Tombstones are written (as deletes) like any other record.
      expect(stats).toEqual({ written: 10_000 - expected.badLetters.length, deadLettered: expected.badLetters.length });
      // onCommit reported each partition's commits in increasing order, ending at the end offset.
      for (const [partition, end] of Object.entries(endOffsets)) {
        const offsets = commits.filter((commit) => commit.startsWith(`${partition}:`)).map((commit) => Number(commit.split(':')[1]));
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(offsets.at(-1)).toBe(Number(end));
      }
      // Bounded: the buffer stays near maxBufferedRecords (plus what one consume call and librdkafka's queue hand over).
      if (launcher.orders?.buffered) expect(maxBuffered).toBeLessThanOrEqual(launcher.orders.buffered.atMost);

      // The dead-letter topic holds each bad message with why and where in its headers (read with kcat: no group join).
      expect(offsetTotal(await mock.endOffsets(deadLetterTopic))).toBe(expected.badLetters.length);
      const { stdout } = await promisify(execFile)('kcat', ['-C', '-b', mock.bootstrap, '-t', deadLetterTopic, '-o', 'beginning', '-e', '-q', '-J']);
      const produced = stdout.trim().split('\n').map((line) => JSON.parse(line) as { payload: string; key: string | null; headers: string[] });
      // Message 7 has no key: the item it would write has no name.
      const missingKey = produced.find((message) => message.payload === '{"seq":7}')!;
      const headers = Object.fromEntries(missingKey.headers.flatMap((_, i, all) => (i % 2 === 0 ? [[all[i], all[i + 1]]] : [])));
      const source = letters.find((letter) => letter.message.value?.toString() === '{"seq":7}')!;
      expect(missingKey.key).toBeNull();
      expect(headers).toEqual({
        [DEAD_LETTER_HEADERS.reason]: 'invalid-key',
        [DEAD_LETTER_HEADERS.error]: source.error.message,
        [DEAD_LETTER_HEADERS.field]: expected.keyField,
        [DEAD_LETTER_HEADERS.topic]: topic,
        [DEAD_LETTER_HEADERS.partition]: String(source.partition),
        [DEAD_LETTER_HEADERS.offset]: source.offset,
        [DEAD_LETTER_HEADERS.timestamp]: String(source.message.timestamp),
      });
    });

    it('stops on a WriteError with nothing committed past the unwritten records, and a restart resumes there', async () => {
      const { mock } = servers;
      const topic = 'write-error';
      const groupId = 'write-error-group';
      // Every tenth message is a tombstone: it holds its partition back like any record until written.
      const isTombstone = (i: number) => i % 10 === 9;
      await mock.produce(
        topic,
        Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, key: `id-${i}`, value: isTombstone(i) ? null : JSON.stringify({ id: `id-${i}` }) })),
      );
      const endOffsets = await mock.endOffsets(topic);

      // Partition 0's records from offset 50 on are never written: the call holding offset 50 writes those before it,
      // then gives up on the rest.
      const failing = new ScriptedSink<JsonObject | null>((records, _call, self) => {
        const isUnwritten = (record: SinkRecord<JsonObject | null>) => record.partition === 0 && Number(record.offset) >= 50;
        if (!records.some(isUnwritten)) return self.store(records);
        self.store(records.filter((record) => !isUnwritten(record)));
        const unwritten = records.filter(isUnwritten);
        throw new WriteError(`${unwritten.length} records were not written: retries ran out`, { unwritten, written: records.length - unwritten.length, failed: [] });
      });
      const first = launcher.pipe(mock, { groupId, clientId: 'write-error', sink: failing, topic, recordsPerWrite: 20 });
      const error = await first.run().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KafkaSinkError);
      expect(error).toMatchObject({ topic, partition: 0, offset: '50' });
      const committed = await mock.committedOffsets(groupId, topic);
      expect(committed[0]).toBe('50');
      for (const partition of [1, 2, 3]) {
        const stored = failing.stored.filter((record) => record.partition === partition).length;
        expect(Number(committed[partition])).toBeLessThanOrEqual(stored);
      }

      const healthy = new MemorySink<JsonObject | null>();
      const second = launcher.pipe(mock, { groupId, clientId: 'write-error', sink: healthy, topic });
      const running = second.run();
      await waitUntil(() => committedEqualsEnd(mock, groupId, topic), { timeoutMs: 20_000, intervalMs: 200, what: 'committed = end offsets' });
      await second.stop();
      await running;
      const resumedAt = (partition: number) => healthy.records.find((record) => record.partition === partition)?.offset ?? endOffsets[partition];
      expect([0, 1, 2, 3].map(resumedAt)).toEqual([0, 1, 2, 3].map((partition) => (committed[partition] === '-1' ? '0' : committed[partition])));
      const stored = [...failing.stored, ...healthy.records];
      const positions = new Set(stored.map((record) => `${record.partition}:${record.offset}`));
      expect(positions.size).toBe(400);
      // The tombstones reached the sinks as records without a value, with their key.
      const tombstones = stored.filter((record) => record.value === null);
      expect(new Set(tombstones.map((record) => Buffer.from(record.key as Uint8Array).toString()))).toEqual(
        new Set(Array.from({ length: 400 }, (_, i) => i).filter(isTombstone).map((i) => `id-${i}`)),
      );
    });
  });
}

/**
 * At least once across a crash: a consumer in a child process is killed with SIGKILL mid-stream (no stop, no last
 * commit), a new one starts in its place, and the table ends as the stream says: the last record of each id, with
 * tombstones deleting (items named from the message key), whatever was replayed after the kill.
 */
export function testKafkaCrash(launcher: KafkaAdapterLauncher): void {
  describe('a consumer killed with SIGKILL mid-stream', () => {
    const servers = useKafkaAndDynamo();
    const children = new Set<ChildProcess>();
    afterAll(() => {
      for (const child of children) child.kill('SIGKILL');
    });

    function startChild(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
      // kafkajs 2.2.4 hands setTimeout negative delays, which Node 24 warns about (and runs as 1 ms); the child's
      // output is checked line for line below, so that one known warning is silenced, nothing else.
      const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', launcher.crashChild.script], {
        cwd: launcher.crashChild.packageDir,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))));
      return { child, output: () => output, exited };
    }

    it('is restarted and the table ends as the stream says, tombstones deleting', async () => {
      const { mock, dynamo } = servers;
      const topic = 'crash';
      const groupId = 'crash-group';
      const committedTotal = async () => offsetTotal(await mock.committedOffsets(groupId, topic), true);
      const expected = workload(3_000, 1_000, { tombstones: true });
      expect(expected.deletedIds.size).toBeGreaterThan(50);
      expect(expected.reputIds.size).toBeGreaterThan(50);
      await mock.produce(topic, expected.messages);
      const end = offsetTotal(await mock.endOffsets(topic));
      const env = {
        KAFKA_BOOTSTRAP: mock.bootstrap,
        DYNAMO_ENDPOINT: dynamo.endpoint,
        TOPIC: topic,
        GROUP_ID: groupId,
        TABLE: 'crash',
        PARTITION_KEY: expected.partitionKey,
      };

      // ~4 partitions x 50 records per 150 ms: about 4 s for the lot, so there is time to kill it halfway.
      const first = startChild({ ...env, WRITE_DELAY_MS: '150' });
      await waitUntil(async () => (await committedTotal()) >= 600, { timeoutMs: 20_000, intervalMs: 100, what: `commits (${first.output()})` });
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull(); // killed, not exited
      const committedAtKill = await committedTotal();
      expect(committedAtKill).toBeLessThan(end);
      expect(tableDifferences(await scanTable(dynamo.endpoint, 'crash'), expected)).not.toEqual([]); // not there yet

      const second = startChild({ ...env, WRITE_DELAY_MS: '0' });
      await waitUntil(async () => (await committedTotal()) === end, { timeoutMs: 30_000, intervalMs: 200, what: `all committed (${second.output()})` });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(second.output()).toMatch(new RegExp(`^${launcher.crashChild.firstLine}\\nstopped \\{"written":\\d+,"deadLettered":\\d+\\}\\n$`));

      expect(tableDifferences(await scanTable(dynamo.endpoint, 'crash'), expected)).toEqual([]);
    });
  });
}

/**
 * Scaling out: a second member joins the group midway; the partitions are split between the two, and nothing is lost
 * in the handover (writes in flight finish and are committed before a partition is given up). The launcher must
 * report assignments through `onAssigned`.
 */
export function testKafkaRebalance(launcher: KafkaAdapterLauncher): void {
  describe(`two ${launcher.name}s in one group`, () => {
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
      /** Each assignment a member received, in order. */
      const assignments: Record<Member, number[][]> = { a: [], b: [] };
      const partitionsWritten: Record<Member, Set<number>> = { a: new Set(), b: new Set() };
      const startMember = (name: Member) => {
        const slow = delayed(sink, 100);
        const pipe = launcher.pipe(mock, {
          groupId,
          clientId: `scale-out-${name}`,
          sink: {
            write: (records: readonly SinkRecord<JsonObject | null>[]) => {
              for (const record of records) partitionsWritten[name].add(record.partition!);
              return slow.write(records);
            },
          },
          topic,
          recordsPerWrite: 50,
          writesInFlightPerPartition: 1,
          onDeadLetter: () => {},
          onAssigned: (partitions) => assignments[name].push(partitions),
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
}

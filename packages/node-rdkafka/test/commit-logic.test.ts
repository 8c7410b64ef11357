/**
 * The adapter's commit logic against a fake node-rdkafka consumer (test/support/fake-consumer.ts) and scripted sinks:
 * deterministic, no broker. The same behaviour against the real mock broker is in rdkafka.integration.test.ts.
 */
import { MemorySink, SinkBackpressureError, type SinkRecord } from '@dynamo-sink/core';
import type { Message } from 'node-rdkafka';
import { describe, expect, it } from 'vitest';
import { KafkaSinkError, RdkafkaSinkConsumer, type DeadLetter, type JsonObject, type RdkafkaSinkConsumerOptions } from '../src/index.js';
import { deferred, ScriptedSink, waitUntil } from '@dynamo-sink/test-servers/adapter-harness';
import { FakeRdkafkaConsumer } from './support/fake-consumer.js';

const TOPIC = 'events';

function setup<V = JsonObject>(options: Omit<RdkafkaSinkConsumerOptions<V>, 'consumerConfig' | 'topics' | 'createConsumer'>) {
  const fake = new FakeRdkafkaConsumer(TOPIC);
  const pipe = new RdkafkaSinkConsumer({ consumerConfig: { 'group.id': 'g' }, topics: [TOPIC], createConsumer: fake.create, ...options });
  return { fake, pipe };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: `id-${from + i}` }));
const offsetsOf = (records: readonly SinkRecord<JsonObject>[], partition: number) =>
  records.filter((record) => record.partition === partition).map((record) => Number(record.offset));

describe('RdkafkaSinkConsumer commit logic', () => {
  it('writes every record of every partition in order and commits the end offsets (MemorySink)', async () => {
    const sink = new MemorySink<JsonObject>({ latencyMs: 1 });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 7, consumeBatchSize: 30 });
    for (let partition = 0; partition < 4; partition++) fake.appendJson(partition, ids(partition * 100, partition * 100 + 100));
    const running = pipe.run();
    await waitUntil(() => [0, 1, 2, 3].every((p) => fake.committedOffset(p) === 100), { what: 'end offsets committed' });
    await pipe.stop();
    expect(await running).toEqual({ written: 400, deadLettered: 0 });
    for (let partition = 0; partition < 4; partition++) {
      expect(offsetsOf(sink.records, partition)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const commits = fake.commits.filter((commit) => commit.startsWith(`${partition}:`)).map((commit) => Number(commit.split(':')[1]));
      expect(commits).toEqual([...commits].sort((a, b) => a - b)); // never backwards
    }
    expect(sink.records[0]).toMatchObject({ topic: TOPIC, partition: 0, offset: '0', value: { id: 'id-0' }, timestamp: new Date(1_667_844_200_703) });
    expect(fake.calls.slice(-2)).toEqual(['disconnect', 'unassign']);
  });

  it('sends the commits of writes settling within 100 ms as one request', async () => {
    const sink = new MemorySink<JsonObject>({ latencyMs: 1 });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 2, consumeBatchSize: 10 });
    const sentAt: number[] = [];
    const commit = fake.commit.bind(fake);
    fake.commit = (offsets) => {
      sentAt.push(performance.now());
      commit(offsets);
    };
    fake.appendJson(0, ids(0, 300));
    const running = pipe.run();
    await waitUntil(() => fake.committedOffset(0) === 300, { what: 'offset 300 committed' });
    await pipe.stop();
    expect(await running).toEqual({ written: 300, deadLettered: 0 });
    // 150 writes; each commit request waited for the previous one's 100 ms to pass. Timers run on libuv's loop time,
    // taken once per turn, so one may fire a millisecond or two before performance.now() says 100 ms have passed.
    expect(sentAt.length).toBeLessThan(150);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!, `commit ${i}`).toBeGreaterThanOrEqual(95);
  });

  it('commits only the done prefix when writes finish out of order', async () => {
    const held = [deferred(), deferred(), deferred()];
    const sink = ScriptedSink.holding<JsonObject>((call) => held[call]?.promise);
    const { fake, pipe } = setup({ sink, recordsPerWrite: 2, writesInFlightPerPartition: 3, consumeBatchSize: 2 });
    fake.appendJson(0, ids(0, 6));
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 3, { timeoutMs: 2_000, what: 'three writes in flight' });
    held[2]!.resolve();
    held[1]!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.commits).toEqual([]); // offsets 2-5 are written, 0-1 are not
    held[0]!.resolve();
    await waitUntil(() => fake.committedOffset(0) === 6, { what: 'offset 6 committed' });
    await pipe.stop();
    await running;
  });

  it('stops at a bad message when there is no onDeadLetter, committing nothing at or past it', async () => {
    const sink = new MemorySink<JsonObject>();
    const { fake, pipe } = setup({ sink, recordsPerWrite: 5 });
    fake.append(0, [...ids(0, 12).map((value) => JSON.stringify(value)), 'not json', ...ids(13, 20).map((value) => JSON.stringify(value))]);
    const error = await pipe.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect(error).toMatchObject({ topic: TOPIC, partition: 0, offset: '12', reason: 'invalid-message' });
    expect((error as Error).message).toMatch(/^topic "events" partition 0 offset 12 cannot be written \(invalid-message\): The message value is not JSON/);
    expect(fake.committedOffset(0)).toBe(12); // 10 and 11 of the same write are done; nothing at or past 12
  });

  it('hands undecodable and failed records to onDeadLetter and commits past them', async () => {
    const letters: DeadLetter[] = [];
    const sink = new ScriptedSink<JsonObject>((records, _call, self) => self.store(records, (record) => record.value['id'] === 'id-3'));
    const { fake, pipe } = setup({ sink, onDeadLetter: (letter) => void letters.push(letter) });
    fake.append(0, ['{"id":"id-0"}', 'not json', '[1]', '{"id":"id-3"}', '{"id":"id-4"}']);
    const running = pipe.run();
    await waitUntil(() => fake.committedOffset(0) === 5, { what: 'offset 5 committed' });
    await pipe.stop();
    expect(await running).toEqual({ written: 2, deadLettered: 3 });
    expect(letters.map((letter) => `${letter.offset} ${letter.reason} ${letter.field ?? ''}`)).toEqual([
      '1 invalid-message ',
      '2 invalid-message ',
      '3 invalid-key id',
    ]);
    expect(letters[0]!.message).toBe(fake.log.get(0)![1]); // the raw node-rdkafka message
  });

  it('hands a tombstone to the sink as { value: null, key } and commits it only after the write', async () => {
    const release = deferred();
    const sink = ScriptedSink.holding<JsonObject | null>(() => release.promise);
    const { fake, pipe } = setup({ sink });
    fake.append(0, [
      { value: '{"id":"a","n":1}', key: 'a' },
      { value: null, key: 'a' }, // a tombstone: delete the item of key "a"
      null, // a tombstone without a key: its key stays null
    ]);
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 1, { timeoutMs: 2_000, what: 'the write' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.commits).toEqual([]); // not before the write resolved

    release.resolve();
    await waitUntil(() => fake.committedOffset(0) === 3, { what: 'commit past the tombstones' });
    await pipe.stop();
    expect(await running).toEqual({ written: 3, deadLettered: 0 });
    const [put, tombstone, keyless] = sink.calls[0]!;
    expect(put).toMatchObject({ value: { id: 'a', n: 1 }, key: Buffer.from('a'), offset: '0' });
    expect(tombstone).toMatchObject({ value: null, key: Buffer.from('a'), topic: TOPIC, partition: 0, offset: '1', timestamp: new Date(1_667_844_200_703) });
    expect(tombstone!.key).toBeInstanceOf(Buffer); // the raw key bytes, for `key` and `key.PATH` key specs
    expect(keyless).toMatchObject({ value: null, key: null, offset: '2' });
  });

  it('lets a custom deserializer see the raw message, tombstones included', async () => {
    const seen: Message[] = [];
    const sink = new ScriptedSink<{ deleted: boolean }>();
    const { fake, pipe } = setup({
      sink,
      deserializer: (message) => {
        seen.push(message);
        return { deleted: message.value === null };
      },
    });
    fake.append(0, [{ value: 'raw text', key: 'k' }, { value: null, key: 'k' }]);
    const running = pipe.run();
    await waitUntil(() => fake.committedOffset(0) === 2, { what: 'commit' });
    await pipe.stop();
    await running;
    expect(seen).toEqual(fake.log.get(0)); // the messages themselves, as librdkafka gave them
    expect(seen[1]).toMatchObject({ value: null, key: Buffer.from('k') });
    expect(sink.stored.map((record) => record.value)).toEqual([{ deleted: false }, { deleted: true }]);
  });

  it('commits past records a version-guarded sink reports stale, as past written ones', async () => {
    // A sink with a version guard counts records that lost to a newer stored version as stale, not as failed.
    const sink = new ScriptedSink<JsonObject>((records) => {
      const result = { written: records.length - 2, stale: 2, failed: [] };
      return result;
    });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 5, consumeBatchSize: 5 });
    fake.appendJson(0, ids(0, 10));
    const running = pipe.run();
    await waitUntil(() => fake.committedOffset(0) === 10, { what: 'commit past the stale records' });
    await pipe.stop();
    expect(await running).toEqual({ written: 10, deadLettered: 0 });
  });

  it('pauses a partition the sink pushes back on, then hands its records over again in order', async () => {
    const sink = new ScriptedSink<JsonObject>((records, call, self) => {
      if (call === 1) throw new SinkBackpressureError(30);
      return self.store(records);
    });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 10, writesInFlightPerPartition: 1, consumeBatchSize: 10 });
    fake.appendJson(0, ids(0, 40));
    const running = pipe.run();
    await waitUntil(() => fake.committedOffset(0) === 40, { what: 'offset 40 committed' });
    await pipe.stop();
    await running;
    expect(fake.calls).toContain('pause 0');
    expect(fake.calls.indexOf('resume 0')).toBeGreaterThan(fake.calls.indexOf('pause 0'));
    expect(offsetsOf(sink.stored, 0)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('on a revoke, finishes the writes in flight and commits them before unassigning', async () => {
    const held = deferred();
    const sink = ScriptedSink.holding<JsonObject>((call) => (call === 1 ? held.promise : undefined));
    const { fake, pipe } = setup({ sink, recordsPerWrite: 5, writesInFlightPerPartition: 1, consumeBatchSize: 5 });
    fake.appendJson(0, ids(0, 20));
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 2, { what: 'the second write in flight' });
    const revoked = fake.revoke();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.calls).not.toContain('unassign');
    held.resolve();
    await revoked;
    expect(fake.calls.slice(-2)).toEqual(['commit 0:10', 'unassign']);
    expect(sink.calls).toHaveLength(2); // nothing more handed over once the revoke began
    await pipe.stop();
    await running;
  });

  it('stop() lets the writes in flight finish and commits them before disconnecting', async () => {
    const held = deferred();
    const sink = ScriptedSink.holding<JsonObject>(() => held.promise);
    const { fake, pipe } = setup({ sink, recordsPerWrite: 5, writesInFlightPerPartition: 2, consumeBatchSize: 10 });
    fake.appendJson(0, ids(0, 10));
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 2, { what: 'two writes in flight' });
    const stopping = pipe.stop();
    held.resolve();
    await stopping;
    expect(await running).toEqual({ written: 10, deadLettered: 0 });
    expect(fake.calls.slice(-3)).toEqual(['commit 0:10', 'disconnect', 'unassign']);
  });

  it('stops reading at maxBufferedRecords unsettled records, without pausing while the sink keeps up', async () => {
    let maxBuffered = 0;
    const sink = new ScriptedSink<JsonObject>(async (records, _call, self) => {
      maxBuffered = Math.max(maxBuffered, pipe.buffered);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return self.store(records);
    });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 10, writesInFlightPerPartition: 1, maxBufferedRecords: 50, consumeBatchSize: 20 });
    for (let partition = 0; partition < 2; partition++) fake.appendJson(partition, ids(0, 500));
    const running = pipe.run();
    await waitUntil(() => [0, 1].every((p) => fake.committedOffset(p) === 500), { what: 'end offsets committed' });
    await pipe.stop();
    await running;
    // One consume call past the limit at most.
    expect(maxBuffered).toBeGreaterThanOrEqual(50);
    expect(maxBuffered).toBeLessThanOrEqual(50 + 20);
    // A pause would make librdkafka drop its prefetched messages, to fetch them again.
    expect(fake.calls.filter((call) => call.startsWith('pause'))).toEqual([]);
  });

  it('pauses every partition and polls again when the buffer stays full for a second, resuming once writes settle', async () => {
    const held = deferred<void>();
    const sink = new ScriptedSink<JsonObject>(async (records, _call, self) => {
      await held.promise;
      return self.store(records);
    });
    const { fake, pipe } = setup({ sink, recordsPerWrite: 10, writesInFlightPerPartition: 1, maxBufferedRecords: 50, consumeBatchSize: 20 });
    for (let partition = 0; partition < 2; partition++) fake.appendJson(partition, ids(0, 200));
    const running = pipe.run();
    await waitUntil(() => pipe.buffered >= 50, { what: 'a full buffer' });
    const pollsWhenFull = fake.consumeCalls;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Held: no poll, no pause yet.
    expect(fake.consumeCalls).toBe(pollsWhenFull);
    expect(fake.calls.filter((call) => call.startsWith('pause'))).toEqual([]);
    await waitUntil(() => fake.calls.includes('pause 0') && fake.calls.includes('pause 1'), { what: 'both partitions paused', timeoutMs: 3_000 });
    // Paused: the loop polls again (so rebalances and commit reports are served), and reads nothing.
    await waitUntil(() => fake.consumeCalls > pollsWhenFull + 2, { what: 'polls while paused' });
    expect(pipe.buffered).toBeLessThanOrEqual(50 + 20);
    held.resolve();
    await waitUntil(() => [0, 1].every((p) => fake.committedOffset(p) === 200), { what: 'end offsets committed' });
    expect(fake.calls).toContain('resume 0');
    await pipe.stop();
    expect(await running).toEqual({ written: 400, deadLettered: 0 });
  });
});

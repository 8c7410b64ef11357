/**
 * The adapter's commit logic against a fake kafkajs consumer (test/support/fake-consumer.ts) and scripted sinks:
 * deterministic, no broker. The same behaviour against the real mock broker is in kafkajs.integration.test.ts.
 */
import { MemorySink, SinkBackpressureError, WriteError, type SinkRecord } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { KafkaSinkConsumer, KafkaSinkError, type DeadLetter, type JsonObject, type KafkaSinkConsumerOptions } from '../src/index.js';
import { FakeConsumer, FakeLog, type FakeConsumerOptions } from './support/fake-consumer.js';
import { deferred, ScriptedSink, waitUntil } from '@dynamo-sink/test-servers/adapter-harness';

const TOPIC = 'events';

function setup<V = JsonObject>(options: Omit<KafkaSinkConsumerOptions<V>, 'consumer' | 'topics'>, fake: FakeConsumerOptions = {}, log = new FakeLog()) {
  const consumer = new FakeConsumer(log, fake);
  const pipe = new KafkaSinkConsumer({ consumer: consumer.asConsumer, topics: [TOPIC], heartbeatEveryMs: 5, ...options });
  return { log, consumer, pipe };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: `id-${from + i}` }));
const idOf = (record: SinkRecord<JsonObject>) => record.value['id'];

describe('KafkaSinkConsumer commit logic', () => {
  it('writes every record of every partition in order and commits the end offsets (MemorySink)', async () => {
    const log = new FakeLog();
    for (let partition = 0; partition < 4; partition++) log.appendJson(TOPIC, partition, ids(partition * 100, partition * 100 + 100));
    const sink = new MemorySink<JsonObject>({ latencyMs: 1 });
    const { pipe } = setup({ sink, recordsPerWrite: 7 }, { maxBatchSize: 30 }, log);
    const running = pipe.run();
    await waitUntil(() => [0, 1, 2, 3].every((p) => log.committedOffset(TOPIC, p) === '100'), { what: 'end offsets committed' });
    await pipe.stop();
    expect(await running).toEqual({ written: 400, deadLettered: 0 });

    expect(sink.records).toHaveLength(400);
    for (let partition = 0; partition < 4; partition++) {
      const offsets = sink.records.filter((record) => record.partition === partition).map((record) => Number(record.offset));
      expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const commits = log.commits.filter((commit) => commit.partition === partition).map((commit) => Number(commit.offset));
      expect(commits).toEqual([...commits].sort((a, b) => a - b)); // never backwards
    }
    expect(sink.records[0]).toMatchObject({ topic: TOPIC, partition: 0, offset: '0', value: { id: 'id-0' } });
    expect(sink.records[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('commits only the done prefix when writes finish out of order', async () => {
    const held = [deferred(), deferred(), deferred()];
    const sink = ScriptedSink.holding<JsonObject>((call) => held[call]?.promise);
    const { log, pipe } = setup({ sink, recordsPerWrite: 2, writesInFlightPerPartition: 3 });
    log.appendJson(TOPIC, 0, ids(0, 6));
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 3, { timeoutMs: 2_000, what: 'three writes in flight' });

    held[2]!.resolve();
    held[1]!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log.commits).toEqual([]); // offsets 2-5 are written, 0-1 are not

    held[0]!.resolve();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '6', { timeoutMs: 2_000, what: 'commit to 6' });
    await pipe.stop();
    await running;
    expect(log.commits.map((commit) => commit.offset)).toEqual(['6']);
  });

  it('stops at a record that fails without a dead-letter handler, committing nothing at or past it', async () => {
    const sink = new ScriptedSink<JsonObject>((records, _call, self) => self.store(records, (record) => idOf(record) === 'id-5'));
    const { log, pipe } = setup({ sink, recordsPerWrite: 3 });
    log.appendJson(TOPIC, 0, ids(0, 10));
    log.appendJson(TOPIC, 1, ids(100, 104));

    const error = await pipe.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect(error).toMatchObject({ topic: TOPIC, partition: 0, offset: '5', reason: 'invalid-key' });
    expect((error as Error).message).toBe(
      'topic "events" partition 0 offset 5 cannot be written (invalid-key, field "id"): scripted invalid-key. No onDeadLetter handler ' +
        'was given, so the consumer stopped with nothing at or past offset 5 of that partition committed; a restart resumes there.',
    );
    expect(log.committedOffset(TOPIC, 0)).toBe('5');
    expect(log.committedOffset(TOPIC, 1)).toBe('4'); // the healthy partition finished and committed
  });

  it('stops on a WriteError, commits up to the oldest unwritten record, and a restart resumes there', async () => {
    // The second call (offsets 4-7) writes 4 and 5, then gives up on 6 and 7.
    const failing = new ScriptedSink<JsonObject>((records, call, self) => {
      if (call !== 1) return self.store(records);
      self.store(records.slice(0, 2));
      throw new WriteError('2 of 4 records were not written: retries ran out', { unwritten: records.slice(2), written: 2, failed: [] });
    });
    const log = new FakeLog();
    log.appendJson(TOPIC, 0, ids(0, 12));
    const first = setup({ sink: failing, recordsPerWrite: 4, writesInFlightPerPartition: 1 }, {}, log);
    const error = await first.pipe.run().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'KafkaSinkError', topic: TOPIC, partition: 0, offset: '6', retriable: true });
    expect((error as Error).message).toMatch(/^Writing to the sink failed at topic "events" partition 0 offset 6: 2 of 4 records were not written/);
    expect((error as Error).cause).toBeInstanceOf(WriteError);
    expect(log.committedOffset(TOPIC, 0)).toBe('6');
    expect(failing.storedPositions()).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4', '0:5']);

    const healthy = new ScriptedSink<JsonObject>();
    const second = setup({ sink: healthy }, {}, log);
    const running = second.pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '12', { timeoutMs: 2_000, what: 'resume to the end' });
    await second.pipe.stop();
    await running;
    expect(healthy.storedPositions()).toEqual(['0:6', '0:7', '0:8', '0:9', '0:10', '0:11']);
  });

  it('routes undecodable messages and records the sink fails to onDeadLetter, and commits past them', async () => {
    const sink = new ScriptedSink<JsonObject>((records, _call, self) =>
      self.store(records, (record) => idOf(record) === 'id-2', 'rejected'),
    );
    const letters: DeadLetter<JsonObject>[] = [];
    const { log, pipe } = setup({ sink, onDeadLetter: (letter) => void letters.push(letter) });
    log.append(TOPIC, 0, [
      { value: '{"id":"id-0"}' },
      { value: 'not json', key: 'k1', headers: { trace: 'x' } },
      { value: '{"id":"id-2"}' },
      { value: '[1]' },
      { value: '{"id":"id-4"}' },
    ]);
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '5', { timeoutMs: 2_000, what: 'commit past the dead letters' });
    await pipe.stop();
    expect(await running).toEqual({ written: 2, deadLettered: 3 });

    expect(sink.storedPositions()).toEqual(['0:0', '0:4']);
    expect(letters.map(({ offset, reason }) => `${offset} ${reason}`)).toEqual(['1 invalid-message', '2 rejected', '3 invalid-message']);
    expect(letters[0]).toMatchObject({ topic: TOPIC, partition: 0, offset: '1' });
    expect(letters[0]!.message.value?.toString()).toBe('not json');
    expect(letters[0]!.record).toBeUndefined();
    expect(letters[1]).toMatchObject({ field: 'id', record: { offset: '2', value: { id: 'id-2' } } });
  });

  it('hands a tombstone to the sink as { value: null, key } and commits it only after the write', async () => {
    const release = deferred();
    const sink = ScriptedSink.holding<JsonObject | null>(() => release.promise);
    const { log, pipe } = setup({ sink });
    log.append(TOPIC, 0, [
      { value: '{"id":"a","n":1}', key: 'a' },
      { value: null, key: 'a' }, // a tombstone: delete the item of key "a"
      { value: null }, // a tombstone without a key: its key stays null
    ]);
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 1, { timeoutMs: 2_000, what: 'the write' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log.commits).toEqual([]); // not before the write resolved

    release.resolve();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '3', { timeoutMs: 2_000, what: 'commit past the tombstones' });
    await pipe.stop();
    expect(await running).toEqual({ written: 3, deadLettered: 0 });
    const [put, tombstone, keyless] = sink.calls[0]!;
    expect(put).toMatchObject({ value: { id: 'a', n: 1 }, key: Buffer.from('a'), offset: '0' });
    expect(tombstone).toMatchObject({ value: null, key: Buffer.from('a'), topic: TOPIC, partition: 0, offset: '1' });
    expect(tombstone!.key).toBeInstanceOf(Buffer); // the raw key bytes, for `key` and `key.PATH` key specs
    expect(tombstone!.timestamp).toBeInstanceOf(Date);
    expect(keyless).toMatchObject({ value: null, key: null, offset: '2' });
  });

  it('lets a custom deserializer see the raw message, tombstones included', async () => {
    const seen: { value: Buffer | null; key: Buffer | null }[] = [];
    const sink = new ScriptedSink<{ deleted: boolean }>();
    const { log, pipe } = setup({
      sink,
      deserializer: (message) => {
        seen.push({ value: message.value, key: message.key });
        return { deleted: message.value === null };
      },
    });
    log.append(TOPIC, 0, [{ value: 'raw text', key: 'k' }, { value: null, key: 'k' }]);
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '2', { timeoutMs: 2_000, what: 'commit' });
    await pipe.stop();
    await running;
    expect(seen).toEqual([
      { value: Buffer.from('raw text'), key: Buffer.from('k') },
      { value: null, key: Buffer.from('k') },
    ]);
    expect(sink.stored.map((record) => record.value)).toEqual([{ deleted: false }, { deleted: true }]);
  });

  it('commits past records a version-guarded sink reports stale, as past written ones', async () => {
    // A sink with a version guard counts records that lost to a newer stored version as stale, not as failed.
    const sink = new ScriptedSink<JsonObject>((records) => {
      const result = { written: records.length - 2, stale: 2, failed: [] };
      return result;
    });
    const { log, pipe } = setup({ sink, recordsPerWrite: 5 });
    log.appendJson(TOPIC, 0, ids(0, 10));
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '10', { timeoutMs: 2_000, what: 'commit past the stale records' });
    await pipe.stop();
    expect(await running).toEqual({ written: 10, deadLettered: 0 });
  });

  it('stops when onDeadLetter throws, without committing the letter it failed on', async () => {
    const sink = new ScriptedSink<JsonObject>();
    const { log, pipe } = setup({
      sink,
      onDeadLetter: () => {
        throw new Error('dead-letter topic unavailable');
      },
    });
    log.append(TOPIC, 0, [{ value: '{"id":"a"}' }, { value: 'nope' }, { value: '{"id":"b"}' }]);
    const error = await pipe.run().catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'onDeadLetter failed for topic "events" partition 0 offset 1 (invalid-message): dead-letter topic unavailable. The consumer ' +
        'stopped with nothing at or past offset 1 of that partition committed; a restart resumes there.',
    );
    expect(log.committedOffset(TOPIC, 0)).toBe('1');
  });

  it('pauses the partition on SinkBackpressureError, resumes after retryAfterMs and writes each record once', async () => {
    const sink = new ScriptedSink<JsonObject>((records, call, self) => {
      if (call === 1) throw new SinkBackpressureError(80);
      return self.store(records);
    });
    const { log, consumer, pipe } = setup({ sink, recordsPerWrite: 5, writesInFlightPerPartition: 1 });
    log.appendJson(TOPIC, 0, ids(0, 20));
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '20', { timeoutMs: 3_000, what: 'all committed' });
    await pipe.stop();
    await running;

    expect(consumer.pauses).toHaveLength(1);
    expect(consumer.resumes).toHaveLength(1);
    expect(consumer.resumes[0]!.at - consumer.pauses[0]!.at).toBeGreaterThanOrEqual(75);
    expect(sink.storedPositions()).toEqual(Array.from({ length: 20 }, (_, i) => `0:${i}`));
    expect(log.commits.map((commit) => commit.offset)).toEqual(['5', '10', '15', '20']);
    // After the pause the partition was fetched again from offset 5, the first record not written.
    expect(consumer.batches.map((batch) => batch.firstOffset)).toEqual(['0', '5']);
  });

  it('on stop(), hands nothing more to the sink, finishes the writes in flight and commits them', async () => {
    const release = deferred();
    const sink = ScriptedSink.holding<JsonObject>(() => release.promise);
    const { log, pipe } = setup({ sink, recordsPerWrite: 10, writesInFlightPerPartition: 2 });
    log.appendJson(TOPIC, 0, ids(0, 100));
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 2, { timeoutMs: 2_000, what: 'two writes in flight' });

    let stopped = false;
    const stopping = pipe.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false); // waits for the writes in flight
    release.resolve();
    await stopping;
    await running;
    expect(sink.calls).toHaveLength(2);
    expect(sink.stored).toHaveLength(20);
    expect(log.committedOffset(TOPIC, 0)).toBe('20');
  });

  it('heartbeats while a write is pending', async () => {
    const sink = new MemorySink<JsonObject>({ latencyMs: 200 });
    const { log, consumer, pipe } = setup({ sink, heartbeatEveryMs: 10 });
    log.appendJson(TOPIC, 0, ids(0, 1));
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '1', { timeoutMs: 2_000, what: 'commit' });
    await pipe.stop();
    await running;
    expect(consumer.heartbeats).toBeGreaterThanOrEqual(10);
  });

  it('on a rebalance, finishes and commits the writes in flight, hands nothing more over, and rethrows to kafkajs', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    let rebalance = false;
    let atRejoin: { calls: string[]; committed: string | undefined } | undefined;
    const sink = new ScriptedSink<JsonObject>(async (records, call, self) => {
      if (call === 0) rebalance = true; // the group starts rebalancing while the first writes are in flight
      await new Promise((resolve) => setTimeout(resolve, 40));
      return self.store(records);
    });
    const { log, consumer, pipe } = setup(
      { sink, recordsPerWrite: 10, writesInFlightPerPartition: 2 },
      {
        onHeartbeat: () => {
          if (rebalance) throw rebalancing;
        },
        onBatchError: () => {
          rebalance = false;
          atRejoin = { calls: sink.calls.map((records) => records[0]!.offset!), committed: log.committedOffset(TOPIC, 0) };
        },
      },
    );
    log.appendJson(TOPIC, 0, ids(0, 100));
    const running = pipe.run();
    await waitUntil(() => consumer.batchErrors.length > 0, { timeoutMs: 2_000, what: 'eachBatch to rethrow the rebalance' });
    expect(consumer.batchErrors[0]).toBe(rebalancing);
    // The two writes in flight when the rebalance began finished and were committed before eachBatch gave up.
    expect(atRejoin).toEqual({ calls: ['0', '10'], committed: '20' });
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '100', { timeoutMs: 3_000, what: 'the rest after the rejoin' });
    await pipe.stop();
    await running;
  });
});

/**
 * The adapter's commit logic against the fake KafkaJS-compatible client (test/support/fake-kafka.ts) and scripted
 * sinks: deterministic, no broker. What the conformance suite (adapter-contract.test.ts) checks is not repeated here;
 * these are the parts where Confluent's API differs from kafkajs's: the consumer's settings, explicit commits, and
 * what a refused commit does. The same behaviour against the real mock broker is in confluent.integration.test.ts.
 */
import { MemorySink } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { ConfluentSinkConsumer, deadLetterToTopic, DEAD_LETTER_HEADERS, type ConfluentSinkConsumerOptions, type DeadLetter, type JsonObject } from '../src/index.js';
import { FakeConfluentKafka, FakeLog, type FakeConfluentOptions } from './support/fake-kafka.js';
import { deferred, ScriptedSink, waitUntil } from '@dynamo-sink/test-servers/adapter-harness';

const TOPIC = 'events';

function setup<V = JsonObject>(
  options: Omit<ConfluentSinkConsumerOptions<V>, 'kafka' | 'topics' | 'consumerConfig'> & Partial<Pick<ConfluentSinkConsumerOptions<V>, 'consumerConfig'>>,
  fake: FakeConfluentOptions = {},
  log = new FakeLog(),
) {
  const kafka = new FakeConfluentKafka(log, fake);
  const pipe = new ConfluentSinkConsumer<V>({ kafka: kafka.asKafka, consumerConfig: { kafkaJS: { groupId: 'g' } }, topics: [TOPIC], ...options });
  return { log, kafka, consumer: () => kafka.consumers[0]!, pipe };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: `id-${from + i}` }));
/** A refused commit as Confluent's API rejects it: a KafkaJSError with librdkafka's code. */
const kafkaError = (message: string, code: number) => Object.assign(new Error(message), { name: 'KafkaJSError', code });

describe('ConfluentSinkConsumer commit logic', () => {
  it("creates the consumer with auto-commit off, fromBeginning and a batch size that fills the writes, keeping the user's settings", async () => {
    const sink = new MemorySink<JsonObject>();
    const { kafka } = setup({
      sink,
      consumerConfig: { kafkaJS: { groupId: 'events-to-dynamodb', sessionTimeout: 10_000 }, 'client.id': 'mine' },
      fromBeginning: true,
      recordsPerWrite: 100,
      writesInFlightPerPartition: 3,
    });
    expect(kafka.configs).toEqual([
      {
        'js.consumer.max.batch.size': 300,
        kafkaJS: { groupId: 'events-to-dynamodb', sessionTimeout: 10_000, fromBeginning: true, autoCommit: false },
        'client.id': 'mine',
      },
    ]);

    const own = setup({ sink, consumerConfig: { kafkaJS: { groupId: 'g' }, 'js.consumer.max.batch.size': 50 } });
    expect(own.kafka.configs[0]).toMatchObject({ 'js.consumer.max.batch.size': 50, kafkaJS: { groupId: 'g', fromBeginning: false, autoCommit: false } });
  });

  it('writes every partition in order, commits each one explicitly at its end, and never calls the events API it lacks', async () => {
    const log = new FakeLog();
    for (let partition = 0; partition < 3; partition++) log.appendJson(TOPIC, partition, ids(partition * 100, partition * 100 + 100));
    const sink = new MemorySink<JsonObject>({ latencyMs: 1 });
    // The fake's subscribe, run and on throw where Confluent's API does: a run that ends well used neither wrongly.
    const { pipe } = setup({ sink, recordsPerWrite: 7 }, { maxBatchSize: 30 }, log);
    const running = pipe.run();
    await waitUntil(() => [0, 1, 2].every((p) => log.committedOffset(TOPIC, p) === '100'), { what: 'end offsets committed' });
    await pipe.stop();
    expect(await running).toEqual({ written: 300, deadLettered: 0 });
    for (let partition = 0; partition < 3; partition++) {
      const offsets = sink.records.filter((record) => record.partition === partition).map((record) => Number(record.offset));
      expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const commits = log.commits.filter((commit) => commit.partition === partition).map((commit) => Number(commit.offset));
      expect(commits).toEqual([...commits].sort((a, b) => a - b));
    }
    expect(sink.records[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('hands a tombstone to the sink as { value: null, key } and commits it only after the write', async () => {
    const release = deferred();
    const sink = ScriptedSink.holding<JsonObject | null>(() => release.promise);
    const { log, pipe } = setup({ sink });
    log.append(TOPIC, 0, [{ value: '{"id":"a"}', key: 'a' }, { value: null, key: 'a' }]);
    const running = pipe.run();
    await waitUntil(() => sink.calls.length === 1, { timeoutMs: 2_000, what: 'the write' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log.commits).toEqual([]);

    release.resolve();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '2', { timeoutMs: 2_000, what: 'commit past the tombstone' });
    await pipe.stop();
    expect(await running).toEqual({ written: 2, deadLettered: 0 });
    expect(sink.calls[0]![1]).toMatchObject({ value: null, key: Buffer.from('a'), topic: TOPIC, partition: 0, offset: '1' });
  });

  it('on a commit refused for a rebalance, hands nothing more over, returns from eachBatch and goes on from the last commit', async () => {
    let refuse = true;
    const sink = new ScriptedSink<JsonObject>();
    const { log, consumer, pipe } = setup(
      { sink, recordsPerWrite: 5, writesInFlightPerPartition: 1 },
      {
        onCommitOffsets: () => {
          if (!refuse) return;
          refuse = false;
          throw kafkaError('Broker: Group rebalance in progress', 27);
        },
      },
    );
    log.appendJson(TOPIC, 0, ids(0, 20));
    const running = pipe.run();
    await waitUntil(() => log.committedOffset(TOPIC, 0) === '20', { timeoutMs: 2_000, what: 'commits after the refused one' });
    await pipe.stop();
    expect(await running).toEqual({ written: 20, deadLettered: 0 });
    // eachBatch returned (Confluent's API would only log a throw), after the first write: the refused commit stopped
    // the batch, and the next one started after the resolved offset.
    expect(consumer().batchErrors).toEqual([]);
    expect(consumer().batches.map((batch) => batch.firstOffset)).toEqual(['0', '5']);
    expect(log.commits.map((commit) => commit.offset)).toEqual(['10', '15', '20']);
  });

  it('stops with the error when a commit is refused for another reason, after the writes in flight finished', async () => {
    const sink = new ScriptedSink<JsonObject>();
    const refused = kafkaError('Broker: Group authorization failed', 30);
    const { log, pipe } = setup(
      { sink, recordsPerWrite: 5, writesInFlightPerPartition: 2 },
      {
        onCommitOffsets: () => {
          throw refused;
        },
      },
    );
    log.appendJson(TOPIC, 0, ids(0, 20));
    await expect(pipe.run()).rejects.toBe(refused);
    expect(log.commits).toEqual([]);
    expect(sink.storedPositions()).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4', '0:5', '0:6', '0:7', '0:8', '0:9']);
  });

  it('stops with the error onCommit throws', async () => {
    const sink = new ScriptedSink<JsonObject>();
    const thrown = new Error('metrics store down');
    const { log, pipe } = setup({
      sink,
      onCommit: () => {
        throw thrown;
      },
    });
    log.appendJson(TOPIC, 0, ids(0, 3));
    await expect(pipe.run()).rejects.toBe(thrown);
    expect(log.committedOffset(TOPIC, 0)).toBe('3');
  });

  it('produces dead letters with their key, value and headers, and why and where in headers; no timestamp header without one', async () => {
    const sent: unknown[] = [];
    const producer = { send: async (record: unknown) => void sent.push(record) };
    const handler = deadLetterToTopic(producer as never, 'events.dead-letter');
    const letter = (timestamp: string): DeadLetter => ({
      topic: TOPIC,
      partition: 1,
      offset: '7',
      reason: 'invalid-message',
      error: new Error('not JSON'),
      message: { key: Buffer.from('k'), value: Buffer.from('{'), timestamp, attributes: 0, offset: '7', headers: { trace: 'x' } },
    });
    await handler(letter('1700000000000'));
    await handler(letter(''));
    expect(sent[0]).toEqual({
      topic: 'events.dead-letter',
      messages: [
        {
          key: Buffer.from('k'),
          value: Buffer.from('{'),
          headers: {
            trace: 'x',
            [DEAD_LETTER_HEADERS.reason]: 'invalid-message',
            [DEAD_LETTER_HEADERS.error]: 'not JSON',
            [DEAD_LETTER_HEADERS.topic]: TOPIC,
            [DEAD_LETTER_HEADERS.partition]: '1',
            [DEAD_LETTER_HEADERS.offset]: '7',
            [DEAD_LETTER_HEADERS.timestamp]: '1700000000000',
          },
        },
      ],
    });
    expect((sent[1] as { messages: { headers: object }[] }).messages[0]!.headers).not.toHaveProperty(DEAD_LETTER_HEADERS.timestamp);
    expect(() => deadLetterToTopic({} as never, 't')).toThrow("Expected `producer` to be a Producer of @confluentinc/kafka-javascript's KafkaJS API");
  });
});

/**
 * The adapter conformance suite from @dynamo-sink/core/testing, run over KafkaSinkConsumer with the fake kafkajs
 * consumer (test/support/fake-consumer.ts): no broker, deterministic, fast.
 *
 * Mapping: message i goes to partition i % 2 of one topic, at offset ⌊i / 2⌋; partitions are named '0' and '1', and a
 * commit's position is the committed offset (the next offset to read), read back from the fake log.
 */
import { describe, it } from 'vitest';
import { testAdapter, type AdapterDeadLetter, type MessagePlace } from '@dynamo-sink/core/testing';
import { KafkaSinkConsumer, type DeadLetter } from '../src/index.js';
import { FakeConsumer, FakeLog } from './support/fake-consumer.js';
import { runUntilCommitted } from '@dynamo-sink/test-servers/adapter-harness';

const TOPIC = 'events';
const PARTITIONS = 2;

const place = (index: number): MessagePlace => ({ partition: String(index % PARTITIONS), position: BigInt(Math.floor(index / PARTITIONS)) });
const indexAt = (partition: number, offset: string) => Number(offset) * PARTITIONS + partition;

testAdapter({
  runner: { describe, it },
  name: 'KafkaSinkConsumer (kafkajs, fake consumer)',
  stopsWithoutDeadLetterHandler: true,
  rewritesAfterBackpressure: true,
  locate: place,
  async run({ sink, messages, onDeadLetter, onCommit, signal }) {
    const log = new FakeLog();
    messages.forEach((value, index) => log.append(TOPIC, index % PARTITIONS, [{ value }]));
    const toDeadLetter = (letter: DeadLetter<unknown>): AdapterDeadLetter => {
      const index = indexAt(letter.partition, letter.offset);
      return letter.record === undefined
        ? { index, reason: letter.reason, error: letter.error }
        : { index, reason: letter.reason, error: letter.error, record: letter.record };
    };
    const consumer = new KafkaSinkConsumer<unknown>({
      consumer: new FakeConsumer(log).asConsumer,
      sink,
      topics: [TOPIC],
      fromBeginning: true,
      // Small writes, several in flight: the suite's ordering tests need writes that overlap.
      recordsPerWrite: 3,
      writesInFlightPerPartition: 3,
      heartbeatEveryMs: 5,
      ...(onDeadLetter && { onDeadLetter: (letter: DeadLetter<unknown>) => onDeadLetter(toDeadLetter(letter)) }),
      onCommit: (commit) => onCommit(String(commit.partition), BigInt(commit.offset)),
    });

    // A consumer never ends by itself: stop it once every partition is committed to its end, or when told to.
    const allCommitted = () =>
      Array.from({ length: PARTITIONS }, (_, partition) => partition).every(
        (partition) => (log.committedOffset(TOPIC, partition) ?? '0') === log.endOffset(TOPIC, partition),
      );
    const error = await runUntilCommitted(consumer, signal, allCommitted);
    const committed = new Map<string, bigint>();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const offset = log.committedOffset(TOPIC, partition);
      if (offset !== undefined) committed.set(String(partition), BigInt(offset));
    }
    return error ? { committed, error } : { committed };
  },
});

import { ConfigError, MemorySink } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { ConfluentSinkConsumer, type ConfluentSinkConsumerOptions } from '../src/index.js';
import { FakeConfluentKafka } from './support/fake-kafka.js';

const valid = (): ConfluentSinkConsumerOptions => ({
  kafka: new FakeConfluentKafka().asKafka,
  consumerConfig: { kafkaJS: { groupId: 'events-to-dynamodb' } },
  sink: new MemorySink(),
  topics: ['events', /^events\..+/],
});

describe('ConfluentSinkConsumer options', () => {
  it('accepts the minimal options, and a group named by librdkafka property', () => {
    expect(() => new ConfluentSinkConsumer(valid())).not.toThrow();
    expect(() => new ConfluentSinkConsumer({ ...valid(), consumerConfig: { 'group.id': 'events' } })).not.toThrow();
  });

  it.each([
    [{ kafka: {} }, "Expected `kafka` to be a Kafka of @confluentinc/kafka-javascript's KafkaJS API: new KafkaJS.Kafka({ kafkaJS: { brokers } })"],
    [{ consumerConfig: undefined }, "Expected `consumerConfig` to be the consumer's settings, such as { kafkaJS: { groupId: 'events-to-dynamodb' } }"],
    [{ consumerConfig: { kafkaJS: {} } }, 'Expected `consumerConfig.kafkaJS.groupId` to be a consumer group name: commits belong to a group'],
    [{ consumerConfig: { kafkaJS: { groupId: 'g', autoCommit: true } } }, 'Leave auto-commit out of `consumerConfig` (or false): offsets are committed only after the write'],
    [{ consumerConfig: { 'group.id': 'g', 'enable.auto.commit': true } }, 'Leave auto-commit out of `consumerConfig` (or false): offsets are committed only after the write'],
    [{ consumerConfig: { kafkaJS: { groupId: 'g', fromBeginning: true } } }, 'Leave `consumerConfig.kafkaJS.fromBeginning` out: use the `fromBeginning` option'],
    [{ topics: [/events/] }, 'Expected the topic pattern /events/ to start with ^ and have no flags: librdkafka reads only such a subscription as a pattern'],
    [{ topics: [/^events/i] }, 'Expected the topic pattern /^events/i to start with ^ and have no flags: librdkafka reads only such a subscription as a pattern'],
    // The options shared with @dynamo-sink/kafkajs go through the same checks (see its options tests).
    [{ sink: {} }, 'Expected `sink` to be a Sink with a write(records) method, such as DynamoSink'],
    [{ topics: [] }, 'Expected `topics` to be a non-empty array of topic names or RegExps, got []'],
    [{ recordsPerWrite: 0 }, 'Expected `recordsPerWrite` to be a whole number >= 1, got 0'],
    [{ partitionsConsumedConcurrently: -1 }, 'Expected `partitionsConsumedConcurrently` to be a whole number >= 1, got -1'],
    [{ onCommit: 'log' }, 'Expected `onCommit` to be a function or left out, got string'],
  ])('rejects %o with a ConfigError', (bad, message) => {
    const create = () => new ConfluentSinkConsumer({ ...valid(), ...(bad as object) } as ConfluentSinkConsumerOptions);
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });
});

import { ConfigError, MemorySink } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { KafkaSinkConsumer, type KafkaSinkConsumerOptions } from '../src/index.js';
import { FakeConsumer, FakeLog } from './support/fake-consumer.js';

const valid = (): KafkaSinkConsumerOptions => ({
  consumer: new FakeConsumer(new FakeLog()).asConsumer,
  sink: new MemorySink(),
  topics: ['events'],
});

describe('KafkaSinkConsumer options', () => {
  it('accepts the minimal options', () => {
    expect(() => new KafkaSinkConsumer(valid())).not.toThrow();
  });

  it.each([
    [{ consumer: {} }, 'Expected `consumer` to be a kafkajs Consumer, from kafka.consumer({ groupId })'],
    [{ sink: {} }, 'Expected `sink` to be a Sink with a write(records) method, such as DynamoSink'],
    [{ topics: [] }, 'Expected `topics` to be a non-empty array of topic names or RegExps, got []'],
    [{ topics: ['a', ''] }, 'Expected `topics` to be a non-empty array of topic names or RegExps, got ["a", ""]'],
    [{ topics: 'events' }, 'Expected `topics` to be a non-empty array of topic names or RegExps, got "events"'],
    [{ fromBeginning: 'yes' }, 'Expected `fromBeginning` to be a boolean, got "yes"'],
    [{ recordsPerWrite: 0 }, 'Expected `recordsPerWrite` to be a whole number >= 1, got 0'],
    [{ writesInFlightPerPartition: 1.5 }, 'Expected `writesInFlightPerPartition` to be a whole number >= 1, got 1.5'],
    [{ partitionsConsumedConcurrently: -1 }, 'Expected `partitionsConsumedConcurrently` to be a whole number >= 1, got -1'],
    [{ heartbeatEveryMs: Number.NaN }, 'Expected `heartbeatEveryMs` to be a whole number >= 1, got NaN'],
    [{ deserializer: 'json' }, 'Expected `deserializer` to be a function or left out, got string'],
    [{ onDeadLetter: {} }, 'Expected `onDeadLetter` to be a function or left out, got object'],
  ])('rejects %o with a ConfigError', (bad, message) => {
    const create = () => new KafkaSinkConsumer({ ...valid(), ...(bad as object) } as KafkaSinkConsumerOptions);
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });
});

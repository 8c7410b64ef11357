import { ConfigError, MemorySink } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { RdkafkaSinkConsumer, type RdkafkaSinkConsumerOptions } from '../src/index.js';

const valid: RdkafkaSinkConsumerOptions = { consumerConfig: { 'group.id': 'g' }, sink: new MemorySink(), topics: ['t'] };

describe('RdkafkaSinkConsumer options', () => {
  it.each([
    [{ consumerConfig: undefined }, "Expected `consumerConfig` to be librdkafka's consumer settings"],
    [{ consumerConfig: {} }, "Expected `consumerConfig['group.id']` to be a consumer group name"],
    [{ consumerConfig: { 'group.id': 'g', 'enable.auto.commit': true } }, "Leave `consumerConfig['enable.auto.commit']` out or false"],
    [{ consumerConfig: { 'group.id': 'g', rebalance_cb: true } }, "Leave `consumerConfig['rebalance_cb']` out: the adapter sets it"],
    [{ consumerConfig: { 'group.id': 'g', offset_commit_cb: true } }, "Leave `consumerConfig['offset_commit_cb']` out"],
    [{ sink: {} }, 'Expected `sink` to be a Sink with a write(records) method'],
    [{ topics: [] }, 'Expected `topics` to be a non-empty array of topic names, got []'],
    [{ topics: ['a', ''] }, 'Expected `topics` to be a non-empty array of topic names, got ["a", ""]'],
    [{ fromBeginning: 'yes' }, 'Expected `fromBeginning` to be a boolean, got "yes"'],
    [{ recordsPerWrite: 0 }, 'Expected `recordsPerWrite` to be a whole number >= 1, got 0'],
    [{ maxBufferedRecords: 1.5 }, 'Expected `maxBufferedRecords` to be a whole number >= 1, got 1.5'],
    [{ consumeTimeoutMs: -1 }, 'Expected `consumeTimeoutMs` to be a whole number >= 1, got -1'],
    [{ deserializer: 'json' }, 'Expected `deserializer` to be a function or left out, got string'],
  ])('refuses %j', (override, message) => {
    const create = () => new RdkafkaSinkConsumer({ ...valid, ...(override as object) } as RdkafkaSinkConsumerOptions);
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it('run() twice is refused; stop() before run() makes run() refuse', async () => {
    const stopped = new RdkafkaSinkConsumer(valid);
    await stopped.stop();
    await expect(stopped.run()).rejects.toThrow('RdkafkaSinkConsumer was stopped before run()');
  });
});

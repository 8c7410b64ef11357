// The record an eachBatch message becomes, with what kafkajs and Confluent's KafkaJS API each say for "no timestamp".
// The rest of this package runs under the adapters' tests (commit logic, conformance suite, mock broker).
import { describe, expect, it } from 'vitest';
import { eachBatchRecord, kafkaTimestamp, type EachBatchMessage } from '../src/index.js';

const message = (extra: Partial<EachBatchMessage> = {}): EachBatchMessage => ({
  key: Buffer.from('k'),
  value: Buffer.from('{}'),
  timestamp: '1667844200703',
  offset: '7',
  ...extra,
});

describe('eachBatchRecord', () => {
  it('carries topic, partition, offset, the raw key, the last of repeated headers and the timestamp as a Date', () => {
    const headers = { trace: Buffer.from('abc'), repeated: [Buffer.from('first'), 'last'] };
    expect(eachBatchRecord(message({ headers }), { a: 1 }, 'orders', 3)).toEqual({
      value: { a: 1 },
      topic: 'orders',
      partition: 3,
      offset: '7',
      key: Buffer.from('k'),
      headers: { trace: Buffer.from('abc'), repeated: 'last' },
      timestamp: new Date(1667844200703),
    });
  });

  it.each([
    ['-1', 'kafkajs and node-rdkafka'],
    ['', "Confluent's KafkaJS API"],
  ])('leaves the timestamp out when the message has none (%j, as %s say it)', (timestamp) => {
    expect(eachBatchRecord(message({ timestamp }), null, 't', 0)).not.toHaveProperty('timestamp');
    expect(kafkaTimestamp(timestamp)).toBeUndefined();
  });

  it('keeps a timestamp of 0 (the epoch), which is a real one', () => {
    expect(kafkaTimestamp('0')).toEqual(new Date(0));
  });
});

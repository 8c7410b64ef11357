import { marshalItem, RecordError } from '@dynamo-sink/core';
import type { KafkaMessage } from 'kafkajs';
import { LosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { jsonDeserializer } from '../src/index.js';
import { eachBatchRecord as toSinkRecord } from '@dynamo-sink/kafka-common';

const message = (value: string | Buffer | null, extra: Partial<KafkaMessage> = {}): KafkaMessage =>
  ({
    key: null,
    value: typeof value === 'string' ? Buffer.from(value) : value,
    timestamp: '1667844200703',
    attributes: 0,
    offset: '7',
    headers: {},
    ...extra,
  }) as KafkaMessage;

const source = { topic: 't', partition: 0 };

describe('jsonDeserializer', () => {
  it('keeps every digit of big and precise numbers, which DynamoSink writes as N exactly', async () => {
    const value = await jsonDeserializer(message('{"id":12345678901234567890,"price":0.1000000000000000055511151231257827,"n":10}'), source);
    expect(JSON.parse('{"id":12345678901234567890}').id).toBe(12345678901234567000); // what JSON.parse would have kept
    // Numbers a double holds exactly stay plain; the others keep their text.
    expect(value).toEqual({ id: new LosslessNumber('12345678901234567890'), price: new LosslessNumber('0.1000000000000000055511151231257827'), n: 10 });
    expect(marshalItem(value).item).toEqual({
      id: { N: '12345678901234567890' },
      price: { N: '0.1000000000000000055511151231257827' },
      n: { N: '10' },
    });
  });

  it.each([
    ['not JSON', message('{"id": 1'), /not JSON/],
    ['a number', message('42'), /not an object: got the number 42/],
    ['an array', message('[1,2]'), /not an object: got an array/],
    ['null', message('null'), /not an object: got null/],
    ['a string', message('"x"'), /not an object: got a string/],
    ['an empty value (zero bytes: not a tombstone)', message(''), /not JSON/],
    ['bytes that are not UTF-8', message(Buffer.from([0x7b, 0xff, 0x7d])), /not UTF-8/],
  ])('refuses %s with a RecordError', async (_name, input, error) => {
    await expect(async () => jsonDeserializer(input, source)).rejects.toThrow(error);
    await expect(async () => jsonDeserializer(input, source)).rejects.toBeInstanceOf(RecordError);
  });

  it('gives null for a tombstone (a message without a value), which DynamoSink writes as a delete', async () => {
    expect(await jsonDeserializer(message(null), source)).toBeNull();
    expect(await jsonDeserializer({ value: undefined }, source)).toBeNull();
  });

  it('takes the last of a key given twice, as JSON.parse does', async () => {
    expect(await jsonDeserializer(message('{"a":1,"a":2}'), source)).toEqual({ a: 2 });
  });
});

describe('toSinkRecord', () => {
  it('carries topic, partition, offset, key, headers (last of repeated ones) and the timestamp as a Date', () => {
    const key = Buffer.from('k1');
    const record = toSinkRecord(
      message('{}', { key, headers: { trace: Buffer.from('abc'), repeated: [Buffer.from('first'), Buffer.from('last')] } }),
      { a: 1 },
      'orders',
      3,
    );
    expect(record).toEqual({
      value: { a: 1 },
      topic: 'orders',
      partition: 3,
      offset: '7',
      key,
      headers: { trace: Buffer.from('abc'), repeated: Buffer.from('last') },
      timestamp: new Date(1667844200703),
    });
  });

  it('keeps a tombstone\'s null value and its key as raw bytes', () => {
    const key = Buffer.from('{"id":"a"}');
    const record = toSinkRecord(message(null, { key }), null, 'orders', 1);
    expect(record).toMatchObject({ value: null, key, topic: 'orders', partition: 1, offset: '7' });
    expect(record.key).toBe(key); // the message's own Buffer, not a decoded string
  });

  it('keeps a null key null', () => {
    expect(toSinkRecord(message('{}'), {}, 't', 0).key).toBeNull();
  });

  it('leaves the timestamp out when the message has none (-1)', () => {
    expect(toSinkRecord(message('{}', { timestamp: '-1' }), {}, 't', 0)).not.toHaveProperty('timestamp');
  });
});

/**
 * A consumer in its own process, for the crash test: `node --import tsx test/support/consume-child.ts`, configured by
 * environment (KAFKA_BOOTSTRAP, DYNAMO_ENDPOINT, TOPIC, GROUP_ID, TABLE, WRITE_DELAY_MS). It writes through a slowed
 * DynamoSink so that the test can kill it mid-stream, prints `joined` once in the group, and on SIGTERM stops
 * cleanly (flush, commit) and exits 0.
 */
import { DynamoSink } from '@dynamo-sink/core';
import { KafkaSinkConsumer } from '../../src/index.js';
import { makeClient } from '../../../core/test/support/servers.js';
import { delayed } from './dynamo-table.js';
import { kafkajsLogLevel } from '../../../core/test/support/kafka-mock.js';
import { Kafka } from 'kafkajs';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`consume-child: set ${name}`);
  return value;
};

const kafka = new Kafka({ brokers: [env('KAFKA_BOOTSTRAP')], clientId: `child-${process.pid}`, logLevel: kafkajsLogLevel() });
const consumer = kafka.consumer({ groupId: env('GROUP_ID'), sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 });
consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
const dynamoSink = new DynamoSink({ tableName: env('TABLE'), partitionKey: 'id', client: makeClient(env('DYNAMO_ENDPOINT')), createTable: true });
const pipe = new KafkaSinkConsumer({
  consumer,
  sink: delayed(dynamoSink, Number(env('WRITE_DELAY_MS'))),
  topics: [env('TOPIC')],
  fromBeginning: true,
  recordsPerWrite: 50,
  writesInFlightPerPartition: 1,
  onDeadLetter: () => {},
});
process.once('SIGTERM', () => void pipe.stop());

try {
  const stats = await pipe.run();
  await dynamoSink.close();
  console.log(`stopped ${JSON.stringify(stats)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}

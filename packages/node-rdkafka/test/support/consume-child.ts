/**
 * A consumer in its own process, for the crash test: `node --import tsx test/support/consume-child.ts`, configured by
 * environment (KAFKA_BOOTSTRAP, DYNAMO_ENDPOINT, TOPIC, GROUP_ID, TABLE, WRITE_DELAY_MS). It writes through a slowed
 * DynamoSink so that the test can kill it mid-stream, prints `assigned` once it has partitions, and on SIGTERM stops
 * cleanly (flush, commit) and exits 0.
 */
import { DynamoSink } from '@dynamo-sink/core';
import { RdkafkaSinkConsumer } from '../../src/index.js';
import { makeClient } from '../../../core/test/support/servers.js';
import { delayed } from '../../../kafkajs/test/support/dynamo-table.js';
import { consumerConfig } from './rdkafka-clients.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`consume-child: set ${name}`);
  return value;
};

const dynamoSink = new DynamoSink({ tableName: env('TABLE'), partitionKey: 'id', client: makeClient(env('DYNAMO_ENDPOINT')), createTable: true });
let announced = false;
const pipe = new RdkafkaSinkConsumer({
  consumerConfig: consumerConfig(env('KAFKA_BOOTSTRAP'), env('GROUP_ID')),
  sink: delayed(dynamoSink, Number(env('WRITE_DELAY_MS'))),
  topics: [env('TOPIC')],
  fromBeginning: true,
  recordsPerWrite: 50,
  writesInFlightPerPartition: 1,
  onDeadLetter: () => {},
  onCommit: () => {
    if (!announced) console.log('committing');
    announced = true;
  },
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

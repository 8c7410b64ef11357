/**
 * The body of each Kafka adapter's crash-test child (test/support/consume-child.ts, run as
 * `node --import tsx test/support/consume-child.ts`), configured by environment (KAFKA_BOOTSTRAP, DYNAMO_ENDPOINT,
 * TOPIC, GROUP_ID, TABLE, WRITE_DELAY_MS, and PARTITION_KEY: the key spec, `id` unless set). It writes through a slowed DynamoSink so that the test can kill it
 * mid-stream, and on SIGTERM stops cleanly (flush, commit) and exits 0, printing `stopped {stats}`.
 */
import { DynamoSink, type Sink } from '@dynamo-sink/core';
import type { JsonObject } from '@dynamo-sink/kafka-common';
import { delayed } from './dynamo-table.js';
import type { SinkPipe } from './kafka-scenarios.js';
import { makeClient } from './servers.js';

/** What the adapter's child needs to build its consumer: the environment's settings and the slowed sink. */
export interface ChildSetup {
  readonly bootstrap: string;
  readonly groupId: string;
  readonly topic: string;
  readonly sink: Sink<JsonObject | null>;
}

export function childEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`consume-child: set ${name}`);
  return value;
}

/** Runs the pipe `start` builds until SIGTERM; the pipe should write 50 records per call, one call per partition at once. */
export async function runConsumeChild(start: (setup: ChildSetup) => SinkPipe): Promise<void> {
  const dynamoSink = new DynamoSink<JsonObject | null>({
    tableName: childEnv('TABLE'),
    partitionKey: process.env['PARTITION_KEY'] || 'id',
    client: makeClient(childEnv('DYNAMO_ENDPOINT')),
    createTable: true,
  });
  const pipe = start({
    bootstrap: childEnv('KAFKA_BOOTSTRAP'),
    groupId: childEnv('GROUP_ID'),
    topic: childEnv('TOPIC'),
    sink: delayed(dynamoSink, Number(childEnv('WRITE_DELAY_MS'))),
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
}

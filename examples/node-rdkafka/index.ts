// Kafka (node-rdkafka, librdkafka) → DynamoDB, all on this machine: librdkafka's mock cluster hosted by Debian's kcat
// (`apt-get install kcat`) and an embedded DynamoDB (dynalite).
//   node --import tsx examples/node-rdkafka/index.ts
// Produces 20,000 JSON messages over 4 partitions (a few bad ones), consumes them with RdkafkaSinkConsumer into a
// DynamoSink, dead-letters the bad ones to a topic, and stops once every partition's committed offset reaches its end.
// Ctrl-C stops it gracefully: writes in flight finish and are committed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the example's business

import { DynamoSink } from '@dynamo-sink/core';
import { RdkafkaSinkConsumer, deadLetterToTopic } from '@dynamo-sink/node-rdkafka';
import rdkafka from 'node-rdkafka';
import { DEAD_LETTER_TOPIC, TOPIC, runLocally } from '../local-kafka-run.js';

const TABLE = 'node-rdkafka-example';

await runLocally(TABLE, async ({ mock, clientConfig, onCommit }) => {
  const sink = new DynamoSink({ tableName: TABLE, partitionKey: 'id', clientConfig, createTable: true });
  // deadLetterToTopic waits for each delivery report, so the producer needs dr_cb.
  const producer = new rdkafka.Producer({ 'metadata.broker.list': mock.bootstrap, dr_cb: true, log_level: 3 });
  await new Promise<void>((resolve, reject) => producer.connect({}, (error) => (error ? reject(error) : resolve())));
  const consumer = new RdkafkaSinkConsumer({
    consumerConfig: {
      'metadata.broker.list': mock.bootstrap,
      'group.id': 'node-rdkafka-example',
      // The mock cluster needs a short session to join promptly (packages/node-rdkafka/README.md).
      'session.timeout.ms': 6_000,
      'heartbeat.interval.ms': 1_000,
      log_level: 3, // librdkafka's own notices are not the example's business
    },
    sink,
    topics: [TOPIC],
    fromBeginning: true,
    onDeadLetter: deadLetterToTopic(producer, DEAD_LETTER_TOPIC),
    onCommit,
  });
  const disconnect = () => new Promise<void>((resolve) => (producer.isConnected() ? producer.disconnect(() => resolve()) : resolve()));
  return { consumer, close: async () => void (await Promise.allSettled([sink.close(), disconnect()])) };
});

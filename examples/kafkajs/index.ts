// Kafka (kafkajs) → DynamoDB, all on this machine: librdkafka's mock cluster hosted by Debian's kcat
// (`apt-get install kcat`) and an embedded DynamoDB (dynalite).
//   node --import tsx examples/kafkajs/index.ts
// Produces 20,000 JSON messages over 4 partitions (a few bad ones), consumes them with KafkaSinkConsumer into a
// DynamoSink, dead-letters the bad ones to a topic, and stops once every partition's committed offset reaches its end.
// Ctrl-C stops it gracefully: writes in flight finish and are committed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the example's business

import { DynamoSink } from '@dynamo-sink/core';
import { KafkaSinkConsumer, deadLetterToTopic } from '@dynamo-sink/kafkajs';
import { Partitioners } from 'kafkajs';
import { DEAD_LETTER_TOPIC, TOPIC, runLocally } from '../local-kafka-run.js';

const TABLE = 'kafkajs-example';

await runLocally(TABLE, async ({ mock, clientConfig, onCommit }) => {
  const sink = new DynamoSink({ tableName: TABLE, partitionKey: 'id', clientConfig, createTable: true });
  const kafka = mock.kafka('kafkajs-example');
  // Not idempotent: the mock cluster cannot serve idempotent producers (see packages/kafkajs/README.md).
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = new KafkaSinkConsumer({
    // The mock cluster needs a short session and heartbeat interval to join promptly (packages/kafkajs/README.md).
    consumer: kafka.consumer({ groupId: 'kafkajs-example', sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 }),
    sink,
    topics: [TOPIC],
    fromBeginning: true,
    onDeadLetter: deadLetterToTopic(producer, DEAD_LETTER_TOPIC),
    onCommit,
  });
  return { consumer, close: async () => void (await Promise.allSettled([sink.close(), producer.disconnect()])) };
});

/**
 * A KafkaSinkConsumer in its own process, for the crash test (see `@dynamo-sink/test-servers/consume-child`):
 * prints `joined` once in the group.
 */
import { Kafka } from 'kafkajs';
import { KafkaSinkConsumer } from '../../src/index.js';
import { runConsumeChild } from '@dynamo-sink/test-servers/consume-child';
import { kafkajsLogLevel } from '@dynamo-sink/test-servers/kafka';

await runConsumeChild(({ bootstrap, groupId, topic, sink }) => {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: `child-${process.pid}`, logLevel: kafkajsLogLevel() });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 });
  consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
  return new KafkaSinkConsumer({ consumer, sink, topics: [topic], fromBeginning: true, recordsPerWrite: 50, writesInFlightPerPartition: 1, onDeadLetter: () => {} });
});

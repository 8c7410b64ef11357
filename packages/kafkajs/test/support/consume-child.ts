/**
 * A KafkaSinkConsumer in its own process, for the crash test (see ../../../core/test/support/consume-child-main.ts):
 * prints `joined` once in the group.
 */
import { Kafka } from 'kafkajs';
import { KafkaSinkConsumer } from '../../src/index.js';
import { runConsumeChild } from '../../../core/test/support/consume-child-main.js';
import { kafkajsLogLevel } from '../../../core/test/support/kafka-mock.js';

await runConsumeChild(({ bootstrap, groupId, topic, sink }) => {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: `child-${process.pid}`, logLevel: kafkajsLogLevel() });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 });
  consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
  return new KafkaSinkConsumer({ consumer, sink, topics: [topic], fromBeginning: true, recordsPerWrite: 50, writesInFlightPerPartition: 1, onDeadLetter: () => {} });
});

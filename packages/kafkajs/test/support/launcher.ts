/** How the shared Kafka scenarios (`@dynamo-sink/test-servers/kafka-scenarios`) run KafkaSinkConsumer. */
import { fileURLToPath } from 'node:url';
import { deadLetterToTopic, KafkaSinkConsumer, type DeadLetter } from '../../src/index.js';
import { sharedOptions, type KafkaAdapterLauncher } from '@dynamo-sink/test-servers/kafka-scenarios';

/** FIELD-NOTES: a heartbeat interval of 2000 hangs the mock's group; these work. */
export const GROUP_TIMING = { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 };

export const kafkajsLauncher: KafkaAdapterLauncher = {
  name: 'KafkaSinkConsumer',
  pipe: (mock, settings) =>
    new KafkaSinkConsumer({ consumer: mock.kafka(settings.clientId).consumer({ groupId: settings.groupId, ...GROUP_TIMING }), ...sharedOptions(settings) }),
  async deadLetterProducer(mock, topic) {
    const producer = mock.kafka('orders-sink').producer();
    await producer.connect();
    const toTopic = deadLetterToTopic(producer, topic);
    return { handler: (letter) => toTopic(letter as DeadLetter), close: () => producer.disconnect() };
  },
  crashChild: {
    script: fileURLToPath(new URL('./consume-child.ts', import.meta.url)),
    packageDir: fileURLToPath(new URL('../..', import.meta.url)),
    firstLine: 'joined',
  },
};

/** How the shared Kafka scenarios (`@dynamo-sink/test-servers/kafka-scenarios`) run RdkafkaSinkConsumer. */
import { fileURLToPath } from 'node:url';
import { deadLetterToTopic, RdkafkaSinkConsumer, type DeadLetter } from '../../src/index.js';
import { sharedOptions, type KafkaAdapterLauncher } from '@dynamo-sink/test-servers/kafka-scenarios';
import { connectedProducer, consumerConfig, disconnect } from './rdkafka-clients.js';

export const rdkafkaLauncher: KafkaAdapterLauncher = {
  name: 'RdkafkaSinkConsumer',
  pipe: (mock, settings) => new RdkafkaSinkConsumer({ consumerConfig: consumerConfig(mock.bootstrap, settings.groupId), ...sharedOptions(settings) }),
  async deadLetterProducer(mock, topic) {
    const producer = await connectedProducer(mock.bootstrap);
    const toTopic = deadLetterToTopic(producer, topic);
    return { handler: (letter) => toTopic(letter as unknown as DeadLetter), close: () => disconnect(producer) };
  },
  orders: {
    tuning: { maxBufferedRecords: 2_000, consumeBatchSize: 500 },
    buffered: { of: (pipe) => (pipe as RdkafkaSinkConsumer).buffered, atMost: 4_000 },
  },
  crashChild: {
    script: fileURLToPath(new URL('./consume-child.ts', import.meta.url)),
    packageDir: fileURLToPath(new URL('../..', import.meta.url)),
    firstLine: 'committing',
  },
};

/** How the shared Kafka scenarios (`@dynamo-sink/test-servers/kafka-scenarios`) run RdkafkaSinkConsumer. */
import rdkafka, { type ConsumerGlobalConfig, type ConsumerTopicConfig, type LibrdKafkaError, type TopicPartition } from 'node-rdkafka';
import { fileURLToPath } from 'node:url';
import { deadLetterToTopic, RdkafkaSinkConsumer, type DeadLetter } from '../../src/index.js';
import { sharedOptions, type KafkaAdapterLauncher } from '@dynamo-sink/test-servers/kafka-scenarios';
import { connectedProducer, consumerConfig, disconnect } from './rdkafka-clients.js';

/** librdkafka's rebalance event code for an assignment. */
const ASSIGN_PARTITIONS = -175;

export const rdkafkaLauncher: KafkaAdapterLauncher = {
  name: 'RdkafkaSinkConsumer',
  pipe: (mock, settings) => {
    const { onAssigned } = settings;
    return new RdkafkaSinkConsumer({
      consumerConfig: { ...consumerConfig(mock.bootstrap, settings.groupId), 'client.id': settings.clientId },
      // The real KafkaConsumer, watched: node-rdkafka emits `rebalance` before calling the adapter's rebalance_cb.
      ...(onAssigned && {
        createConsumer: (config: ConsumerGlobalConfig, topicConfig: ConsumerTopicConfig) => {
          const consumer = new rdkafka.KafkaConsumer(config, topicConfig);
          consumer.on('rebalance', (error: LibrdKafkaError, assignment: TopicPartition[]) => {
            if (error.code === ASSIGN_PARTITIONS) onAssigned(assignment.map(({ partition }) => partition).sort());
          });
          return consumer;
        },
      }),
      ...sharedOptions(settings),
    });
  },
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

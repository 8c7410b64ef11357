/** How the shared Kafka scenarios (`@dynamo-sink/test-servers/kafka-scenarios`) run ConfluentSinkConsumer. */
import { fileURLToPath } from 'node:url';
import { ConfluentSinkConsumer, deadLetterToTopic, type DeadLetter } from '../../src/index.js';
import { sharedOptions, type KafkaAdapterLauncher } from '@dynamo-sink/test-servers/kafka-scenarios';
import { confluentKafka, connectedProducer, consumerConfig } from './confluent-clients.js';

/** librdkafka's rebalance event code for an assignment. */
const ASSIGN_PARTITIONS = -175;

export const confluentLauncher: KafkaAdapterLauncher = {
  name: 'ConfluentSinkConsumer',
  pipe: (mock, settings) => {
    const { onAssigned } = settings;
    const config = consumerConfig(settings.groupId);
    return new ConfluentSinkConsumer({
      kafka: confluentKafka(mock.bootstrap, settings.clientId),
      // The API calls a rebalance_cb of the settings before its own assignment (which a falsy return leaves as it is).
      consumerConfig: onAssigned
        ? {
            ...config,
            rebalance_cb: (event: { code: number }, assignment: { partition: number }[]) => {
              if (event.code === ASSIGN_PARTITIONS) onAssigned(assignment.map(({ partition }) => partition).sort());
            },
          }
        : config,
      ...sharedOptions(settings),
    });
  },
  async deadLetterProducer(mock, topic) {
    const producer = await connectedProducer(mock.bootstrap);
    const toTopic = deadLetterToTopic(producer, topic);
    return { handler: (letter) => toTopic(letter as unknown as DeadLetter), close: () => producer.disconnect() };
  },
  crashChild: {
    script: fileURLToPath(new URL('./consume-child.ts', import.meta.url)),
    packageDir: fileURLToPath(new URL('../..', import.meta.url)),
    firstLine: 'committing',
  },
};

/** How the shared Kafka scenarios (`@dynamo-sink/test-servers/kafka-scenarios`) run KafkaSinkConsumer. */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PartitionAssigners, type PartitionAssigner } from 'kafkajs';
import { deadLetterToTopic, KafkaSinkConsumer, type DeadLetter } from '../../src/index.js';
import { sharedOptions, type KafkaAdapterLauncher } from '@dynamo-sink/test-servers/kafka-scenarios';

/** FIELD-NOTES: a heartbeat interval of 2000 hangs the mock's group; these work. */
const GROUP_TIMING = { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 };

/**
 * Round robin, with the leader's SyncGroup sent half a second late when the group has other members. librdkafka's mock
 * group turns Stable as soon as the leader's SyncGroup carries every member's assignment, and then answers a follower's
 * SyncGroup with INVALID_REQUEST (a real broker answers it with the assignment), which kafkajs takes as fatal. A
 * follower sends its SyncGroup as soon as its JoinGroup is answered, at the moment the leader's is: so the follower
 * syncs first.
 */
const leaderSyncsLast: PartitionAssigner = (config) => {
  const roundRobin = PartitionAssigners.roundRobin(config);
  return {
    ...roundRobin,
    async assign(group) {
      if (group.members.length > 1) await sleep(500);
      return roundRobin.assign(group);
    },
  };
};

export const kafkajsLauncher: KafkaAdapterLauncher = {
  name: 'KafkaSinkConsumer',
  pipe(mock, settings) {
    const consumer = mock.kafka(settings.clientId).consumer({ groupId: settings.groupId, ...GROUP_TIMING, partitionAssigners: [leaderSyncsLast] });
    const { onAssigned } = settings;
    if (onAssigned) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => onAssigned([...(payload.memberAssignment[settings.topic] ?? [])].sort()));
    }
    return new KafkaSinkConsumer({ consumer, ...sharedOptions(settings) });
  },
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

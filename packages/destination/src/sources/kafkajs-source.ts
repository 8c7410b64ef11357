/** `kafka_client=kafkajs`: KafkaSinkConsumer from `@dynamo-sink/kafkajs`, dead letters with a kafkajs producer. */
import type { JsonObject } from '@dynamo-sink/kafkajs';
import { KafkaSinkConsumer, deadLetterToTopic } from '@dynamo-sink/kafkajs';
import { Kafka, logLevel, Partitioners, type Producer, type logCreator } from 'kafkajs';
import { skipKafkajsIdleLoop } from '../kafkajs-idle-loop.js';
import type { Logger } from '../logger.js';
import { CONSUMER_TIMEOUTS } from '../kafka-settings.js';
import { adapterSource, type SourceConsumer, type SourceContext } from '../source-consumer.js';

/** Builds the kafkajs source: a consumer group on `input`, reading from the earliest offset when the group is new. */
export async function createKafkajsSource({ config, sink, logger, onJoined }: SourceContext): Promise<SourceConsumer> {
  skipKafkajsIdleLoop();
  const kafka = new Kafka({
    clientId: `dynamo-sink-destination-${config.tableName}`,
    brokers: [...config.brokers],
    logLevel: logLevel.WARN,
    logCreator: toServiceLog(logger),
  });
  const consumer = kafka.consumer({
    groupId: config.consumerGroup,
    sessionTimeout: CONSUMER_TIMEOUTS.sessionTimeoutMs,
    heartbeatInterval: CONSUMER_TIMEOUTS.heartbeatIntervalMs,
    maxWaitTimeInMs: CONSUMER_TIMEOUTS.maxWaitMs,
  });
  if (onJoined) consumer.on(consumer.events.GROUP_JOIN, () => onJoined());

  let producer: Producer | undefined;
  if (config.deadLetterTopic !== undefined) {
    // The default (Java-compatible) partitioner, named so kafkajs does not warn about its v2 change.
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }
  const pipe = new KafkaSinkConsumer<JsonObject | null>({
    consumer,
    sink,
    topics: [config.input],
    // Nothing dropped: a new group starts at the beginning of the topic, not at its end.
    fromBeginning: true,
    onDeadLetter: producer && config.deadLetterTopic !== undefined ? deadLetterToTopic(producer, config.deadLetterTopic) : undefined,
  });
  return adapterSource(pipe, config, () => producer?.disconnect());
}

/** kafkajs's warnings and errors, as service log lines. */
function toServiceLog(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...rest } = log;
      const fields = { source: 'kafkajs', ...(typeof rest.error === 'string' ? { error: rest.error } : {}) };
      if (level <= logLevel.ERROR) logger.error(message, fields);
      else if (level === logLevel.WARN) logger.warn(message, fields);
    };
}

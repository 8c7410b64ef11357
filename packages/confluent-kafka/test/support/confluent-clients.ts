/**
 * Clients of Confluent's KafkaJS-compatible API for the tests, against the mock cluster
 * (`@dynamo-sink/test-servers/kafka`). The mock's group needs short session timeouts (FIELD-NOTES: a join takes
 * ~3 s, a rejoin about the session timeout). The client logs to the console by default: silent unless KAFKAJS_LOG
 * names a level (error, warn, info, debug), as for the kafkajs clients.
 */
import { KafkaJS } from '@confluentinc/kafka-javascript';

const LOG_LEVELS: Record<string, KafkaJS.logLevel> = {
  error: KafkaJS.logLevel.ERROR,
  warn: KafkaJS.logLevel.WARN,
  info: KafkaJS.logLevel.INFO,
  debug: KafkaJS.logLevel.DEBUG,
};

/** A `Kafka` of the KafkaJS-compatible API for the mock cluster at `bootstrap`. */
export function confluentKafka(bootstrap: string, clientId: string): KafkaJS.Kafka {
  return new KafkaJS.Kafka({ kafkaJS: { brokers: [bootstrap], clientId, logLevel: LOG_LEVELS[process.env['KAFKAJS_LOG'] ?? ''] ?? KafkaJS.logLevel.NOTHING } });
}

/** Consumer settings for the mock's group: quick joins and rejoins. */
export function consumerConfig(groupId: string): KafkaJS.ConsumerConstructorConfig {
  return { kafkaJS: { groupId, sessionTimeout: 6_000, heartbeatInterval: 1_000 } };
}

/** A connected producer of the KafkaJS-compatible API, as `deadLetterToTopic` needs. */
export async function connectedProducer(bootstrap: string): Promise<KafkaJS.Producer> {
  const producer = confluentKafka(bootstrap, 'dead-letters').producer();
  await producer.connect();
  return producer;
}

/**
 * node-rdkafka clients for the tests, against the mock cluster (`@dynamo-sink/test-servers/kafka`). The mock's
 * group needs short session timeouts (FIELD-NOTES: a join takes ~3 s, a rejoin about the session timeout).
 */
import rdkafka, { type ConsumerGlobalConfig, type Producer } from 'node-rdkafka';

/** Consumer settings for the mock: its group, quick rejoins, librdkafka's own logs off. */
export function consumerConfig(bootstrap: string, groupId: string): ConsumerGlobalConfig {
  return {
    'metadata.broker.list': bootstrap,
    'group.id': groupId,
    'session.timeout.ms': 6_000,
    'heartbeat.interval.ms': 1_000,
    'log_level': 3,
  };
}

/** A connected Producer with delivery reports, as `deadLetterToTopic` needs. */
export async function connectedProducer(bootstrap: string): Promise<Producer> {
  const producer = new rdkafka.Producer({ 'metadata.broker.list': bootstrap, dr_cb: true, 'log_level': 3 });
  await new Promise<void>((resolve, reject) => producer.connect({}, (error) => (error ? reject(error) : resolve())));
  return producer;
}

export function disconnect(client: { disconnect(callback: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

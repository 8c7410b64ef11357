/**
 * `kafka_client=node-rdkafka`: RdkafkaSinkConsumer from `@dynamo-sink/node-rdkafka`. Both it and node-rdkafka (a native
 * build of librdkafka) are loaded only when chosen, so a deployment that uses kafkajs can leave them out. The process
 * tests run every scenario with both clients.
 */
import { CONSUMER_TIMEOUTS } from '../kafka-settings.js';
import { adapterSource, SourceUnavailable, type SourceConsumer, type SourceContext } from '../source-consumer.js';
import { rdkafkaLagAdmin, type RdkafkaConsumerClass } from './rdkafka-offsets.js';

// Held in variables so the compiler does not need the packages installed to check this file.
const ADAPTER = '@dynamo-sink/node-rdkafka';
const CLIENT = 'node-rdkafka';

/** The parts of the two packages this file uses. */
interface RdkafkaAdapterModule {
  RdkafkaSinkConsumer: new (options: Record<string, unknown>) => {
    run(): Promise<{ written: number; deadLettered: number }>;
    stop(): Promise<void>;
    readonly stats: { written: number; deadLettered: number };
  };
  deadLetterToTopic(producer: unknown, topic: string): (letter: unknown) => Promise<void>;
}
interface RdkafkaProducer {
  connect(options: object, callback: (error?: Error) => void): void;
  disconnect(callback: () => void): void;
}
interface RdkafkaClientModule {
  Producer: new (config: Record<string, unknown>) => RdkafkaProducer;
  KafkaConsumer: RdkafkaConsumerClass;
}

/** Builds the node-rdkafka source, or rejects with a {@link SourceUnavailable} saying what to install. */
export async function createRdkafkaSource({ config, sink }: SourceContext): Promise<SourceConsumer> {
  const adapter = await load<RdkafkaAdapterModule>(ADAPTER);
  const client = await load<{ default?: RdkafkaClientModule } & RdkafkaClientModule>(CLIENT).then((module) => module.default ?? module);
  const brokers = config.brokers.join(',');
  let producer: RdkafkaProducer | undefined;
  if (config.deadLetterTopic !== undefined) {
    producer = new client.Producer({ 'metadata.broker.list': brokers, dr_cb: true });
    await new Promise<void>((resolve, reject) => producer!.connect({}, (error) => (error ? reject(error) : resolve())));
  }
  const pipe = new adapter.RdkafkaSinkConsumer({
    consumerConfig: {
      'group.id': config.consumerGroup,
      'metadata.broker.list': brokers,
      'client.id': `dynamo-sink-destination-${config.tableName}`,
      'session.timeout.ms': CONSUMER_TIMEOUTS.sessionTimeoutMs,
      'heartbeat.interval.ms': CONSUMER_TIMEOUTS.heartbeatIntervalMs,
    },
    sink,
    topics: [config.input],
    fromBeginning: true,
    onDeadLetter: producer && config.deadLetterTopic !== undefined ? adapter.deadLetterToTopic(producer, config.deadLetterTopic) : undefined,
  });
  // The lag is read with node-rdkafka too: no second Kafka client.
  const release = () => (producer ? new Promise<void>((resolve) => producer!.disconnect(() => resolve())) : undefined);
  return adapterSource(pipe, config, release, rdkafkaLagAdmin(client.KafkaConsumer, config));
}

async function load<M>(name: string): Promise<M> {
  try {
    return (await import(name)) as M;
  } catch (error) {
    throw new SourceUnavailable(
      `kafka_client=node-rdkafka needs the packages @dynamo-sink/node-rdkafka and node-rdkafka installed beside this service ` +
        `(${name} could not be loaded: ${(error as Error).message.split('\n')[0]}); or use kafka_client=kafkajs`,
    );
  }
}

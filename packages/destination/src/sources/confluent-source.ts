/**
 * `kafka_client=confluent`: ConfluentSinkConsumer from `@dynamo-sink/confluent-kafka`, over Confluent's
 * `@confluentinc/kafka-javascript` (librdkafka underneath, through its KafkaJS-compatible API). Like node-rdkafka, both
 * are optional peers loaded only when chosen: the client's install builds or downloads a native binary, which a
 * deployment that uses kafkajs need not carry. The process tests run every scenario with this client too.
 */
import { CONSUMER_TIMEOUTS } from '../kafka-settings.js';
import type { Logger } from '../logger.js';
import { adapterSource, SourceUnavailable, type SourceConsumer, type SourceContext } from '../source-consumer.js';
import { rdkafkaLagAdmin, type RdkafkaConsumerClass } from './rdkafka-offsets.js';

// Held in variables so the compiler does not need the packages installed to check this file.
const ADAPTER = '@dynamo-sink/confluent-kafka';
const CLIENT = '@confluentinc/kafka-javascript';

/** The parts of the two packages this file uses. */
interface ConfluentAdapterModule {
  ConfluentSinkConsumer: new (options: Record<string, unknown>) => {
    run(): Promise<{ written: number; deadLettered: number }>;
    stop(): Promise<void>;
    readonly stats: { written: number; deadLettered: number };
  };
  deadLetterToTopic(producer: unknown, topic: string): (letter: unknown) => Promise<void>;
}
interface ConfluentProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}
/** A log entry of the client's KafkaJS-compatible logger. */
interface ConfluentLogEntry {
  readonly message?: unknown;
  readonly error?: unknown;
}
interface ConfluentLogger {
  info(message: string, extra?: ConfluentLogEntry): void;
  error(message: string, extra?: ConfluentLogEntry): void;
  warn(message: string, extra?: ConfluentLogEntry): void;
  debug(message: string, extra?: ConfluentLogEntry): void;
  namespace(): ConfluentLogger;
  setLogLevel(level: number): void;
}
interface ConfluentClientModule {
  KafkaJS: {
    Kafka: new (config: Record<string, unknown>) => { consumer(config: object): unknown; producer(config?: object): ConfluentProducer };
  };
  /** The node-rdkafka-compatible API, which the package has too. */
  KafkaConsumer: RdkafkaConsumerClass;
}

/** Builds the Confluent source, or rejects with a {@link SourceUnavailable} saying what to install. */
export async function createConfluentSource({ config, sink, logger }: SourceContext): Promise<SourceConsumer> {
  const adapter = await load<ConfluentAdapterModule>(ADAPTER);
  const client = await load<{ default?: ConfluentClientModule } & ConfluentClientModule>(CLIENT).then((module) => module.default ?? module);
  const { KafkaJS } = client;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: { brokers: [...config.brokers], clientId: `dynamo-sink-destination-${config.tableName}`, logger: serviceLogger(logger) },
  });

  let producer: ConfluentProducer | undefined;
  if (config.deadLetterTopic !== undefined) {
    producer = kafka.producer();
    await producer.connect();
  }
  const pipe = new adapter.ConfluentSinkConsumer({
    kafka,
    consumerConfig: {
      kafkaJS: {
        groupId: config.consumerGroup,
        sessionTimeout: CONSUMER_TIMEOUTS.sessionTimeoutMs,
        heartbeatInterval: CONSUMER_TIMEOUTS.heartbeatIntervalMs,
      },
    },
    sink,
    topics: [config.input],
    // Nothing dropped: a new group starts at the beginning of the topic, not at its end.
    fromBeginning: true,
    onDeadLetter: producer && config.deadLetterTopic !== undefined ? adapter.deadLetterToTopic(producer, config.deadLetterTopic) : undefined,
  });
  // The lag is read with the package's node-rdkafka-compatible consumer, never subscribed (its KafkaJS-compatible admin
  // times out listing offsets on librdkafka's mock cluster): no second Kafka client.
  return adapterSource(pipe, config, () => producer?.disconnect(), rdkafkaLagAdmin(client.KafkaConsumer, config));
}

/** The client's warnings and errors, as service log lines (it logs to the console otherwise). */
function serviceLogger(logger: Logger): ConfluentLogger {
  const fields = (extra?: ConfluentLogEntry) => ({ source: 'confluent', ...(typeof extra?.error === 'string' ? { error: extra.error } : {}) });
  const own: ConfluentLogger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (message, extra) => logger.warn(message, fields(extra)),
    error: (message, extra) => logger.error(message, fields(extra)),
    namespace: () => own,
    setLogLevel: () => undefined,
  };
  return own;
}

async function load<M>(name: string): Promise<M> {
  try {
    return (await import(name)) as M;
  } catch (error) {
    throw new SourceUnavailable(
      `kafka_client=confluent needs the packages @dynamo-sink/confluent-kafka and @confluentinc/kafka-javascript installed beside this service ` +
        `(${name} could not be loaded: ${(error as Error).message.split('\n')[0]}); or use kafka_client=kafkajs`,
    );
  }
}

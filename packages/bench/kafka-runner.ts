/**
 * Runs each Kafka adapter's write path over the bench's records: @dynamo-sink/kafkajs, @dynamo-sink/node-rdkafka and
 * @dynamo-sink/confluent-kafka, each with `recordsPerWrite` 1,000 and its other defaults, over an in-process fake of
 * its client (fake-each-batch.ts, fake-rdkafka.ts) holding the records as JSON messages in a few partitions, into a
 * sink opened as the sink modes open it. A run ends once the adapter has committed every partition to its end.
 */
import type { ConfluentSinkConsumerOptions } from '@dynamo-sink/confluent-kafka';
import type { KafkaSinkConsumerOptions } from '@dynamo-sink/kafkajs';
import type { RdkafkaSinkConsumerOptions } from '@dynamo-sink/node-rdkafka';
import { FakeConfluentKafka, FakeEachBatchConsumer, KAFKAJS_MAX_BYTES_PER_PARTITION } from './fake-each-batch.js';
import { FakeRdkafkaConsumer } from './fake-rdkafka.js';
import { CommitWatch, KAFKA_TOPIC, readyMadeDeserializer, type BenchMessage } from './kafka-feed.js';
import { loadExport } from './load-export.js';
import type { BenchSink } from './sink-runner.js';

/** What every adapter's `run()` resolves with, and the two calls the bench makes. */
interface Adapter {
  run(): Promise<{ written: number; deadLettered: number }>;
  stop(): Promise<void>;
}
type AdapterClass<O> = new (options: O) => Adapter;
type AnySink = KafkaSinkConsumerOptions['sink'];

export type KafkaClientName = 'kafkajs' | 'node-rdkafka' | 'confluent';

/** Records per `sink.write`, as the issue's feeding target asks (the adapters' default is 500). */
export const RECORDS_PER_WRITE = 1_000;

/** Builds one adapter over its fake client, feeding `sink`; the watch hears every commit. */
export type AdapterFactory = (sink: BenchSink, partitions: readonly (readonly BenchMessage[])[], watch: CommitWatch) => Adapter;

/**
 * The adapter class of `client`, as a factory over the bench's fakes, or why it could not be loaded. `decode`: the
 * adapters' default (`json`: each value parsed as users run it) or records handed over ready-made (see readyMadeDeserializer).
 */
export async function loadKafkaAdapter(client: KafkaClientName, decode: 'json' | 'ready-made'): Promise<AdapterFactory | Error> {
  const group = 'bench';
  const deserializer = decode === 'ready-made' ? { deserializer: readyMadeDeserializer } : {};
  if (client === 'kafkajs') {
    const KafkaSinkConsumer = await loadExport<AdapterClass<KafkaSinkConsumerOptions>>('@dynamo-sink/kafkajs', 'KafkaSinkConsumer');
    if (KafkaSinkConsumer instanceof Error) return KafkaSinkConsumer;
    return (sink, partitions, watch) => {
      const consumer = new FakeEachBatchConsumer(KAFKA_TOPIC, partitions, watch, { maxBytes: KAFKAJS_MAX_BYTES_PER_PARTITION });
      return new KafkaSinkConsumer({
        consumer: consumer as unknown as KafkaSinkConsumerOptions['consumer'],
        sink: sink as unknown as AnySink,
        topics: [KAFKA_TOPIC],
        fromBeginning: true,
        recordsPerWrite: RECORDS_PER_WRITE,
        ...deserializer,
      });
    };
  }
  if (client === 'node-rdkafka') {
    const RdkafkaSinkConsumer = await loadExport<AdapterClass<RdkafkaSinkConsumerOptions>>('@dynamo-sink/node-rdkafka', 'RdkafkaSinkConsumer');
    if (RdkafkaSinkConsumer instanceof Error) return RdkafkaSinkConsumer;
    return (sink, partitions, watch) =>
      new RdkafkaSinkConsumer({
        consumerConfig: { 'group.id': group, 'metadata.broker.list': '127.0.0.1:9' },
        createConsumer: new FakeRdkafkaConsumer(KAFKA_TOPIC, partitions, watch).create,
        sink: sink as unknown as AnySink,
        topics: [KAFKA_TOPIC],
        fromBeginning: true,
        recordsPerWrite: RECORDS_PER_WRITE,
        ...deserializer,
      });
  }
  const ConfluentSinkConsumer = await loadExport<AdapterClass<ConfluentSinkConsumerOptions>>('@dynamo-sink/confluent-kafka', 'ConfluentSinkConsumer');
  if (ConfluentSinkConsumer instanceof Error) return ConfluentSinkConsumer;
  return (sink, partitions, watch) =>
    new ConfluentSinkConsumer({
      kafka: new FakeConfluentKafka(KAFKA_TOPIC, partitions, watch) as unknown as ConfluentSinkConsumerOptions['kafka'],
      consumerConfig: { kafkaJS: { groupId: group } },
      sink: sink as unknown as AnySink,
      topics: [KAFKA_TOPIC],
      fromBeginning: true,
      recordsPerWrite: RECORDS_PER_WRITE,
      ...deserializer,
    });
}

export interface KafkaRun {
  /** Runs the adapter until every offset is committed, stops it, closes the sink; resolves to the records written. */
  run(): Promise<number>;
  /** Partitions not committed to their end. Empty when all is well. */
  problems(): string[];
}

/**
 * The timed part for a sink already opened and messages already made. The adapter and its fake client are made
 * before the timer: the fake's messages stand for what a real client decodes, not for the adapter's write path.
 */
export function prepareKafka(create: AdapterFactory, sink: BenchSink, partitions: readonly (readonly BenchMessage[])[]): KafkaRun {
  const watch = new CommitWatch(partitions);
  const adapter = create(sink, partitions, watch);
  return {
    problems: () => watch.problems(),
    async run() {
      const running = adapter.run();
      // run() resolves only after stop(); settling first means it failed (or stopped by itself: the checks tell).
      const ended = await Promise.race([watch.caughtUp.then(() => false), running.then(() => true)]);
      if (!ended) await adapter.stop();
      const { written } = await running;
      await sink.close();
      return written;
    },
  };
}

/**
 * A stand-in for Confluent's KafkaJS-compatible `Kafka` and its consumers, for deterministic tests of the commit logic
 * without a broker. The consumer is @dynamo-sink/kafkajs's fake (the same eachBatch rounds, pauses, resolved offsets
 * and disconnect) with what Confluent's API does otherwise, and the adapter must respect:
 * - `subscribe` refuses `fromBeginning` and `run` refuses `autoCommit` (both are consumer settings there);
 * - `on` (kafkajs's events) throws: the API has none;
 * - commits go through `consumer.commitOffsets([{ topic, partition, offset }])`, recorded in the shared log.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { FakeConsumer, FakeLog, type FakeConsumerOptions } from '../../../kafkajs/test/support/fake-consumer.js';

export { FakeLog };

export interface FakeConfluentOptions extends FakeConsumerOptions {
  /** Called for every `commitOffsets` before it is recorded; throw to script a refused commit. */
  readonly onCommitOffsets?: (topic: string, partition: number, offset: string) => void;
}

/** A `Kafka` whose `consumer(config)` records the settings it was given and returns a {@link FakeConfluentConsumer}. */
export class FakeConfluentKafka {
  readonly configs: KafkaJS.ConsumerConstructorConfig[] = [];
  readonly consumers: FakeConfluentConsumer[] = [];

  constructor(
    readonly log = new FakeLog(),
    private readonly options: FakeConfluentOptions = {},
  ) {}

  consumer(config: KafkaJS.ConsumerConstructorConfig): KafkaJS.Consumer {
    this.configs.push(config);
    const consumer = new FakeConfluentConsumer(this.log, this.options);
    this.consumers.push(consumer);
    return consumer as unknown as KafkaJS.Consumer;
  }

  /** This fake, typed as what the adapter expects. */
  get asKafka(): Pick<KafkaJS.Kafka, 'consumer'> {
    return this;
  }
}

export class FakeConfluentConsumer extends FakeConsumer {
  constructor(
    log: FakeLog,
    private readonly confluentOptions: FakeConfluentOptions,
  ) {
    super(log, confluentOptions);
  }

  override async subscribe(subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void> {
    if (typeof subscription.fromBeginning === 'boolean') throw new Error('fromBeginning is a consumer setting in the KafkaJS-compatible API');
    await super.subscribe(subscription);
  }

  override async run(config: Parameters<FakeConsumer['run']>[0] & { autoCommit?: boolean }): Promise<void> {
    if ('autoCommit' in config) throw new Error('autoCommit is a consumer setting in the KafkaJS-compatible API');
    await super.run(config);
  }

  // Confluent's KafkaJS-compatible consumer has no instrumentation events: the adapter must not rely on them.
  override on(): () => void {
    throw new Error("consumer.on() does not exist in Confluent's KafkaJS-compatible API");
  }

  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    for (const { topic, partition, offset } of offsets) {
      this.confluentOptions.onCommitOffsets?.(topic, partition, offset);
      this.log.committed.set(`${topic}\u0000${partition}`, BigInt(offset));
      this.log.commits.push({ topic, partition, offset });
    }
  }
}

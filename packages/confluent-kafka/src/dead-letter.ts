import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { DeadLetter as AnyDeadLetter, DeadLetterHandler as AnyDeadLetterHandler } from '@dynamo-sink/kafka-common';
import { deadLetterToProducer } from '@dynamo-sink/kafka-common';

/** A message that can never be written, as `onDeadLetter` receives it: `message` is the KafkaJS API's `KafkaMessage`. */
export type DeadLetter<V = unknown> = AnyDeadLetter<V, KafkaJS.KafkaMessage>;

/** Receives a dead letter; the message's offset is committed once it resolves. */
export type DeadLetterHandler<V = unknown> = AnyDeadLetterHandler<V, KafkaJS.KafkaMessage>;

/**
 * A dead-letter handler that produces each bad message to `topic` with a producer of Confluent's KafkaJS API: the
 * original key, value and headers, plus headers saying why (`dead-letter.reason`, `dead-letter.error`,
 * `dead-letter.field`) and where it came from (`dead-letter.topic`, `dead-letter.partition`, `dead-letter.offset`,
 * `dead-letter.timestamp`). The offset of the bad message is committed only once `send` resolved, that is once the
 * dead-letter topic acknowledged it (with the producer's `acks`). Connect the producer first.
 *
 * @example
 * const producer = kafka.producer();
 * await producer.connect();
 * new ConfluentSinkConsumer({ kafka, consumerConfig, sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dead-letter') });
 */
export function deadLetterToTopic(producer: KafkaJS.Producer, topic: string): DeadLetterHandler {
  return deadLetterToProducer<KafkaJS.KafkaMessage>(producer, topic, "a Producer of @confluentinc/kafka-javascript's KafkaJS API");
}

import type { DeadLetter as AnyDeadLetter, DeadLetterHandler as AnyDeadLetterHandler } from '@dynamo-sink/kafka-common';
import { deadLetterToProducer } from '@dynamo-sink/kafka-common';
import type { KafkaMessage, Producer } from 'kafkajs';

/** A message that can never be written, as `onDeadLetter` receives it: `message` is the kafkajs `KafkaMessage`. */
export type DeadLetter<V = unknown> = AnyDeadLetter<V, KafkaMessage>;

/** Receives a dead letter; the message's offset is committed once it resolves. */
export type DeadLetterHandler<V = unknown> = AnyDeadLetterHandler<V, KafkaMessage>;

/**
 * A dead-letter handler that produces each bad message to `topic`: the original key, value and headers, plus headers
 * saying why (`dead-letter.reason`, `dead-letter.error`, `dead-letter.field`) and where it came from
 * (`dead-letter.topic`, `dead-letter.partition`, `dead-letter.offset`, `dead-letter.timestamp`). The offset of the
 * bad message is committed only once the dead-letter topic has acknowledged it. Connect the producer first.
 *
 * @example
 * const producer = kafka.producer();
 * await producer.connect();
 * new KafkaSinkConsumer({ consumer, sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dead-letter') });
 */
export function deadLetterToTopic(producer: Producer, topic: string): DeadLetterHandler {
  return deadLetterToProducer<KafkaMessage>(producer, topic, 'a kafkajs Producer');
}

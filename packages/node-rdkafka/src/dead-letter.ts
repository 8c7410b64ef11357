import type { DeadLetter as AnyDeadLetter, DeadLetterHandler as AnyDeadLetterHandler } from '@dynamo-sink/kafka-common';
import { deadLetterHeaders } from '@dynamo-sink/kafka-common';
import type { DeliveryReport, LibrdKafkaError, Message, MessageHeader, Producer } from 'node-rdkafka';

/** A message that can never be written, as `onDeadLetter` receives it: `message` is the node-rdkafka `Message`. */
export type DeadLetter<V = unknown> = AnyDeadLetter<V, Message>;

/** Receives a dead letter; the message's offset is committed once it resolves. */
export type DeadLetterHandler<V = unknown> = AnyDeadLetterHandler<V, Message>;

/** Options of {@link deadLetterToTopic}. */
export interface DeadLetterToTopicOptions {
  /** How long to wait for a delivery report before the handler rejects (and the consumer stops). @default 30_000 */
  readonly deliveryTimeoutMs?: number;
  /** How often the producer is polled for delivery reports while some are awaited. @default 10 */
  readonly pollEveryMs?: number;
}

/** What travels as `opaque` with each dead letter, to find its delivery report. */
interface DeliveryToken {
  readonly deadLetterId: number;
}

/**
 * A dead-letter handler that produces each bad message to `topic` with a node-rdkafka `Producer` (not a
 * `HighLevelProducer`): the original key, value and headers, plus headers saying why (`dead-letter.reason`,
 * `dead-letter.error`, `dead-letter.field`) and where it came from (`dead-letter.topic`, `dead-letter.partition`,
 * `dead-letter.offset`, `dead-letter.timestamp`). It resolves, and so the bad message's offset is committed, only
 * once the delivery report says the dead-letter topic has it. Create the producer with `dr_cb: true` and connect it
 * first; the handler polls it while reports are awaited.
 *
 * @example
 * const producer = new Producer({ 'metadata.broker.list': brokers, dr_cb: true });
 * await new Promise((resolve, reject) => producer.connect({}, (error) => (error ? reject(error) : resolve(undefined))));
 * new RdkafkaSinkConsumer({ consumerConfig, sink, topics: ['events'], onDeadLetter: deadLetterToTopic(producer, 'events.dead-letter') });
 */
export function deadLetterToTopic(producer: Producer, topic: string, options: DeadLetterToTopicOptions = {}): DeadLetterHandler {
  if (typeof producer?.produce !== 'function' || typeof producer.poll !== 'function') {
    throw new TypeError('Expected `producer` to be a node-rdkafka Producer');
  }
  if (typeof topic !== 'string' || topic === '') throw new TypeError(`Expected \`topic\` to be a topic name, got ${String(topic)}`);
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const pollEveryMs = options.pollEveryMs ?? 10;
  const awaited = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let poller: NodeJS.Timeout | undefined;

  producer.on('delivery-report', (error: LibrdKafkaError, report: DeliveryReport) => {
    const id = (report?.opaque as DeliveryToken | undefined)?.deadLetterId;
    const waiter = id === undefined ? undefined : awaited.get(id);
    if (!waiter) return; // another sender's message
    if (error) waiter.reject(new Error(`Producing the dead letter to ${JSON.stringify(topic)} failed: ${error.message}`, { cause: error }));
    else waiter.resolve();
  });

  return (letter) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => settle(new Error(`No delivery report for the dead letter within ${deliveryTimeoutMs} ms: was the producer created with dr_cb: true and connected?`)),
        deliveryTimeoutMs,
      );
      function settle(error?: Error): void {
        clearTimeout(timer);
        awaited.delete(id);
        if (awaited.size === 0 && poller) {
          clearInterval(poller);
          poller = undefined;
        }
        if (error) reject(error);
        else resolve();
      }
      awaited.set(id, { resolve: () => settle(), reject: settle });
      const { message } = letter;
      const timestamp = message.timestamp !== undefined && message.timestamp >= 0 ? String(message.timestamp) : undefined;
      const headers: MessageHeader[] = [
        ...(message.headers ?? []),
        ...Object.entries(deadLetterHeaders(letter, timestamp)).map(([name, value]) => ({ [name]: value })),
      ];
      try {
        const token: DeliveryToken = { deadLetterId: id };
        producer.produce(topic, null, message.value, message.key, null, token, headers);
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      poller ??= setInterval(() => producer.poll(), pollEveryMs);
    });
}

import { ConfigError } from '@dynamo-sink/core';
import type { JsonObject } from '@dynamo-sink/kafka-common';
import { LambdaBatchError } from './batch-summary.js';
import { describeNotDone, invoke, rejectIfNothingDone, type InvocationContext } from './invoke.js';
import { kafkaEntries, kafkaRecord, type KafkaEvent, type KafkaMessage } from './kafka-event.js';
import { resolveHandlerOptions, type HandlerOptions } from './options.js';
import { isDone } from './settle-batch.js';

/** Options of {@link kafkaHandler}. */
export interface KafkaHandlerOptions<V> extends HandlerOptions<V, KafkaMessage> {
  /**
   * Answer with a partial batch response (turn on `FunctionResponseTypes: [ReportBatchItemFailures]` on the event
   * source mapping too) instead of failing the invocation. Each not-done record is reported as
   * `{ itemIdentifier: { partition: "topic-partition", offset } }`, together with every later record of its
   * partition. AWS's documentation does not show this shape (see the README): off by default, when the handler
   * throws instead and Lambda retries the whole batch.
   * @default false
   */
  readonly reportBatchItemFailures?: boolean;
}

/** Names a record of a Kafka event in a partial batch response (see `reportBatchItemFailures`). */
export interface KafkaItemIdentifier {
  /** The key of the event's `records` map: `topic-partition`, as in `orders-0`. */
  readonly partition: string;
  readonly offset: number;
}

/** What a Kafka handler answers. Without `reportBatchItemFailures` the list is always empty (it throws instead). */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: KafkaItemIdentifier }[];
}

/** A Lambda handler for an MSK or self-managed Kafka event source mapping. */
export type KafkaSinkHandler = (event: KafkaEvent, context?: InvocationContext) => Promise<KafkaBatchResponse>;

/**
 * A Lambda handler for Amazon MSK and self-managed Apache Kafka event source mappings that writes every message of
 * the event into `sink`. Each message becomes a record as the Kafka adapters make it: `value` from the deserializer
 * (JSON by default; a tombstone gives `null`, a delete for `DynamoSink`), `key` and `headers` as bytes, `topic`,
 * `partition`, `offset` and the Kafka `timestamp`, so that `key`, `key.PATH`, `header.NAME`, `topic`, `partition`
 * and `offset` key specs work the same.
 *
 * When any record is not done (unwritten, or poison that no `onDeadLetter` took), it throws a `LambdaBatchError`, and
 * Lambda retries the whole batch (written records are written again: puts are idempotent). With
 * `reportBatchItemFailures: true` it reports them instead.
 *
 * @example
 * const sink = new DynamoSink({ tableName: 'orders', partitionKey: 'id=key' });
 * export const handler = kafkaHandler({ sink, onDeadLetter: deadLetterToSqs(process.env.DLQ_URL!) });
 */
export function kafkaHandler<V = JsonObject | null>(options: KafkaHandlerOptions<V>): KafkaSinkHandler {
  const resolved = resolveHandlerOptions(options);
  if (options.reportBatchItemFailures !== undefined && typeof options.reportBatchItemFailures !== 'boolean') {
    throw new ConfigError(`Expected \`reportBatchItemFailures\` to be a boolean, got ${typeof options.reportBatchItemFailures}`);
  }
  const report = options.reportBatchItemFailures ?? false;
  return async (event, context) => {
    const entries = kafkaEntries(event);
    const { statuses, summary, writeRejected } = await invoke({ source: 'kafka', entries, toRecord: kafkaRecord }, resolved, context);
    resolved.onSummary?.(summary);
    rejectIfNothingDone(statuses, entries, summary, writeRejected);
    if (!report) {
      const notDone = entries.filter((_, index) => !isDone(statuses[index]!)).map((entry) => entry.id);
      if (notDone.length > 0) {
        throw new LambdaBatchError(
          `${describeNotDone(summary)}; failing the invocation so that Lambda retries the whole batch (first: ${notDone[0]})`,
          summary,
          notDone,
          summary.errors[0],
        );
      }
      return { batchItemFailures: [] };
    }
    // From the lowest offset not done in a partition on, every record of that partition is reported: whether Lambda
    // resumes the partition from the lowest reported offset or retries just the records named, none is lost and
    // the partition's records land in order.
    const lowest = new Map<string, number>();
    entries.forEach(({ message }, index) => {
      const offset = Number(message.offset);
      const known = lowest.get(message.topicPartition);
      if (!isDone(statuses[index]!) && (known === undefined || offset < known)) lowest.set(message.topicPartition, offset);
    });
    const batchItemFailures: KafkaBatchResponse['batchItemFailures'] = [];
    for (const { message } of entries) {
      const from = lowest.get(message.topicPartition);
      if (from !== undefined && Number(message.offset) >= from) {
        batchItemFailures.push({ itemIdentifier: { partition: message.topicPartition, offset: Number(message.offset) } });
      }
    }
    return { batchItemFailures };
  };
}

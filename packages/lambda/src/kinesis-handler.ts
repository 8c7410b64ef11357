import type { JsonObject } from '@dynamo-sink/kafka-common';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { invoke, rejectIfNothingDone, type InvocationContext } from './invoke.js';
import { kinesisEntries, kinesisRecord, type KinesisMessage } from './kinesis-event.js';
import { resolveHandlerOptions, type HandlerOptions } from './options.js';
import { isDone } from './settle-batch.js';

/** Options of {@link kinesisHandler}. */
export type KinesisHandlerOptions<V> = HandlerOptions<V, KinesisMessage>;

/** A Lambda handler for a Kinesis Data Streams event source mapping. */
export type KinesisSinkHandler = (event: KinesisStreamEvent, context?: InvocationContext) => Promise<KinesisStreamBatchResponse>;

/**
 * A Lambda handler for Kinesis Data Streams event source mappings that writes every record of the event into `sink`
 * and answers with a partial batch response (turn on `FunctionResponseTypes: [ReportBatchItemFailures]`). Lambda
 * checkpoints a shard before the lowest sequence number reported and retries everything from there, so the handler
 * reports exactly one: the lowest sequence number not done. (The records after it that were written are written
 * again on the retry; puts are idempotent, and the shard's records land in order.)
 *
 * @example
 * const sink = new DynamoSink({ tableName: 'clicks', partitionKey: 'user=key', sortKey: 'seq=offset' });
 * export const handler = kinesisHandler({ sink });
 */
export function kinesisHandler<V = JsonObject>(options: KinesisHandlerOptions<V>): KinesisSinkHandler {
  const resolved = resolveHandlerOptions(options);
  return async (event, context) => {
    const entries = kinesisEntries(event);
    const { statuses, summary, writeRejected } = await invoke({ source: 'kinesis', entries, toRecord: kinesisRecord }, resolved, context);
    resolved.onSummary?.(summary);
    rejectIfNothingDone(statuses, entries, summary, writeRejected);
    // Lambda sends a shard's records in sequence order; numbers are compared as well, should they come otherwise.
    const numeric = entries.every(({ id }) => /^\d+$/.test(id));
    let first: (typeof entries)[number] | undefined;
    entries.forEach((entry, index) => {
      if (isDone(statuses[index]!)) return;
      if (first === undefined || (numeric && BigInt(entry.id) < BigInt(first.id))) first = entry;
    });
    return { batchItemFailures: first ? [{ itemIdentifier: first.id }] : [] };
  };
}

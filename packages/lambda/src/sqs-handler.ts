import type { JsonObject } from '@dynamo-sink/kafka-common';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { invoke, rejectIfNothingDone, type InvocationContext } from './invoke.js';
import { resolveHandlerOptions, type HandlerOptions } from './options.js';
import { isDone } from './settle-batch.js';
import { sqsEntries, sqsRecord, type SqsMessage } from './sqs-event.js';

/** Options of {@link sqsHandler}. */
export type SqsHandlerOptions<V> = HandlerOptions<V, SqsMessage>;

/** A Lambda handler for an SQS event source mapping. */
export type SqsSinkHandler = (event: SQSEvent, context?: InvocationContext) => Promise<SQSBatchResponse>;

/**
 * A Lambda handler for SQS event source mappings (standard and FIFO queues) that writes every message of the event
 * into `sink` and answers with a partial batch response (turn on `FunctionResponseTypes: [ReportBatchItemFailures]`):
 * the `messageId` of every message not done, so that Lambda deletes the others and only these come back.
 * On a FIFO queue, a message not done also holds back the later messages of its message group in the batch: they are
 * reported too, so that the group's messages still land in order.
 *
 * @example
 * const sink = new DynamoSink({ tableName: 'orders', partitionKey: 'id' });
 * export const handler = sqsHandler({ sink });
 */
export function sqsHandler<V = JsonObject>(options: SqsHandlerOptions<V>): SqsSinkHandler {
  const resolved = resolveHandlerOptions(options);
  return async (event, context) => {
    const entries = sqsEntries(event);
    const { statuses, summary, writeRejected } = await invoke({ source: 'sqs', entries, toRecord: sqsRecord }, resolved, context);
    resolved.onSummary?.(summary);
    rejectIfNothingDone(statuses, entries, summary, writeRejected);
    const heldGroups = new Set<string>();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    entries.forEach(({ id, message }, index) => {
      const group = message.event.attributes?.MessageGroupId;
      const notDone = !isDone(statuses[index]!);
      if (notDone && group !== undefined) heldGroups.add(group);
      if (notDone || (group !== undefined && heldGroups.has(group))) batchItemFailures.push({ itemIdentifier: id });
    });
    return { batchItemFailures };
  };
}

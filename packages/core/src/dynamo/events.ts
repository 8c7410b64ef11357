import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { RecordFailure } from '../sink.js';

/** One request answered: a BatchWriteItem, or a single-item call (guarded writes, updates). */
export interface BatchWrittenEvent {
  readonly operation: 'BatchWriteItem' | 'PutItem' | 'DeleteItem' | 'UpdateItem';
  /** Items DynamoDB accepted in this request. */
  readonly written: number;
  /** Items it handed back as UnprocessedItems (they are retried). */
  readonly unprocessed: number;
  /** Guarded writes that lost to a newer stored version (ConditionalCheckFailedException): 0 or 1. */
  readonly stale: number;
  readonly latencyMs: number;
  /** Present when `returnConsumedCapacity` asked for it. */
  readonly consumedCapacity?: readonly ConsumedCapacity[];
}

/** Items are going to be sent again after `delayMs`. */
export interface RetryEvent {
  readonly items: number;
  /** How many times the most-tried of these items has failed so far. */
  readonly attempt: number;
  readonly delayMs: number;
  /** `unprocessed` (UnprocessedItems) or the name of the error that failed the request. */
  readonly reason: string;
  readonly error?: Error;
  /** The request being retried in place, when a whole request failed (not set for unprocessed items). */
  readonly operation?: string;
}

/** DynamoDB refused a request for capacity (a throttling error, or UnprocessedItems). */
export interface ThrottleEvent {
  readonly items: number;
  readonly reason: string;
}

/** Callbacks for what happens inside a `DynamoSink`. They run synchronously on the write path: keep them cheap. */
export interface SinkEvents {
  batchWritten?(event: BatchWrittenEvent): void;
  retry?(event: RetryEvent): void;
  throttled?(event: ThrottleEvent): void;
  /** A record failed for good (it is also in the `failed` list `write` resolves to). */
  failed?(failure: RecordFailure): void;
}

import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, type ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordError, SinkError } from '../errors.js';
import type { SinkEvents } from './events.js';
import type { DynamoClientLike, RetryOptions } from './options.js';
import { backoffDelay, classifyError, isThrottling } from './retry-policy.js';
import { WriteQueue, type Entry, type Owner } from './write-queue.js';

/** How an item's write ended. */
export type Outcome =
  | { readonly kind: 'written' }
  /** DynamoDB refused the item itself (ValidationException with the item alone in its request). */
  | { readonly kind: 'rejected'; readonly error: RecordError }
  /** Retries ran out, or a fatal error: the record goes back to the caller. */
  | { readonly kind: 'unwritten'; readonly error: Error };

export interface BatchWriterOptions<T> {
  readonly client: DynamoClientLike;
  readonly tableName: string;
  readonly maxInFlight: number;
  readonly maxRetries: number;
  readonly retry: Required<RetryOptions>;
  readonly returnConsumedCapacity: ReturnConsumedCapacity;
  readonly events: SinkEvents;
  /** The keyId of an item as DynamoDB hands it back in UnprocessedItems. */
  readonly keyIdOfItem: (item: Record<string, any>) => string;
  /** Called once per record with how its write ended. */
  readonly onOutcome: (ticket: T, index: number, outcome: Outcome) => void;
}

const WRITTEN: Outcome = { kind: 'written' };

/**
 * Sends queued items as BatchWriteItem requests, `maxInFlight` at a time.
 * Items DynamoDB leaves unprocessed go back in the queue with a backoff and ride along in later requests;
 * an error that fails a whole request is retried in place (p-retry), which holds the slot and so slows the sink down;
 * a ValidationException splits the request in halves until the bad item stands alone.
 */
export class BatchWriter<T> {
  private readonly queue = new WriteQueue<T>();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: BatchWriterOptions<T>) {}

  add(owner: Owner<T>): void {
    this.queue.add(owner);
  }

  /** Sends what can be sent; call after adding items. */
  pump(): void {
    const now = performance.now();
    while (this.active < this.options.maxInFlight) {
      const batch = this.queue.take(now);
      if (batch.length === 0) break;
      this.active++;
      void this.send(batch).finally(() => {
        this.active--;
        this.pump();
      });
    }
    this.scheduleRetry(now);
    if (this.active === 0 && this.queue.size === 0) this.notifyIdle();
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private scheduleRetry(now: number): void {
    if (this.timer || this.active >= this.options.maxInFlight || this.queue.hasReady(now)) return;
    const at = this.queue.nextRetryAt();
    if (at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, at - now));
  }

  private async send(batch: Entry<T>[]): Promise<void> {
    const { tableName, events } = this.options;
    const started = performance.now();
    let response: BatchWriteItemCommandOutput;
    try {
      response = await this.sendWithRetry(batch);
    } catch (error) {
      const kind = classifyError(error);
      if (kind === 'invalid') return this.isolate(batch, error as Error);
      for (const entry of batch) {
        // A retryable error ran out the budget of the most-tried item; the others get more tries in later requests.
        if (kind === 'retry' && entry.attempts <= this.options.maxRetries) this.retryLater(entry, (error as Error).name);
        else this.finish(entry, { kind: 'unwritten', error: describeFailure(error, tableName) });
      }
      return;
    }

    const unprocessed = response.UnprocessedItems?.[tableName] ?? [];
    const retry = this.matchUnprocessed(batch, unprocessed);
    for (const entry of batch) if (!retry.has(entry)) this.finish(entry, WRITTEN);
    if (retry.size > 0) {
      events.throttled?.({ items: retry.size, reason: 'unprocessed' });
      for (const entry of retry) {
        entry.attempts++;
        if (entry.attempts > this.options.maxRetries) {
          const error = new SinkError(`DynamoDB left the item unprocessed ${entry.attempts} times (maxRetries ${this.options.maxRetries})`, { retriable: true });
          this.finish(entry, { kind: 'unwritten', error });
        } else this.retryLater(entry, 'unprocessed');
      }
    }
    events.batchWritten?.({
      written: batch.length - retry.size,
      unprocessed: retry.size,
      latencyMs: performance.now() - started,
      ...(response.ConsumedCapacity ? { consumedCapacity: response.ConsumedCapacity } : {}),
    });
  }

  private async sendWithRetry(batch: Entry<T>[]): Promise<BatchWriteItemCommandOutput> {
    const { client, tableName, maxRetries, retry, events } = this.options;
    const command = new BatchWriteItemCommand({
      RequestItems: { [tableName]: batch.map((entry) => ({ PutRequest: { Item: entry.owner.prepared.item } })) },
      ...(this.options.returnConsumedCapacity !== 'NONE' ? { ReturnConsumedCapacity: this.options.returnConsumedCapacity } : {}),
    });
    let mostTried = 0;
    for (const entry of batch) mostTried = Math.max(mostTried, entry.attempts);
    const budget = maxRetries - mostTried;
    const onFailedAttempt = async ({ error, retriesLeft }: { error: Error; retriesLeft: number }): Promise<void> => {
      if (classifyError(error) !== 'retry') return;
      mostTried++;
      for (const entry of batch) entry.attempts++;
      if (isThrottling(error)) events.throttled?.({ items: batch.length, reason: error.name });
      if (retriesLeft === 0) return;
      const delayMs = backoffDelay(mostTried, retry);
      events.retry?.({ items: batch.length, attempt: mostTried, delayMs, reason: error.name, error });
      await sleep(delayMs);
    };

    // Most requests succeed at once: only a failed one pays for p-retry's bookkeeping.
    try {
      return await client.send(command);
    } catch (error) {
      if (classifyError(error) !== 'retry') throw error;
      await onFailedAttempt({ error: error as Error, retriesLeft: budget });
      if (budget === 0) throw error;
    }
    return pRetry(() => client.send(command), {
      retries: budget - 1,
      // p-retry's own delay is off: it draws from [1x, 2x], and we want full jitter, slept in onFailedAttempt.
      minTimeout: 0,
      maxTimeout: 0,
      shouldRetry: ({ error }) => classifyError(error) === 'retry',
      onFailedAttempt,
    });
  }

  /** Which entries DynamoDB handed back. An item we cannot match makes every entry count as unprocessed: a needless re-put is harmless, a lost one is not. */
  private matchUnprocessed(batch: Entry<T>[], unprocessed: readonly { PutRequest?: { Item?: Record<string, any> | undefined } | undefined }[]): Set<Entry<T>> {
    if (unprocessed.length === 0) return new Set();
    const byKey = new Map(batch.map((entry) => [entry.owner.prepared.keyId, entry]));
    const matched = new Set<Entry<T>>();
    for (const request of unprocessed) {
      const item = request.PutRequest?.Item;
      const entry = item && byKey.get(safeKeyId(this.options.keyIdOfItem, item));
      if (!entry) return new Set(batch);
      matched.add(entry);
    }
    return matched;
  }

  private retryLater(entry: Entry<T>, reason: string): void {
    const delayMs = backoffDelay(entry.attempts, this.options.retry);
    this.options.events.retry?.({ items: 1, attempt: entry.attempts, delayMs, reason });
    this.queue.retry(entry, performance.now() + delayMs);
  }

  /** Splits a request DynamoDB refused until the item at fault stands alone; the other halves get written. */
  private async isolate(batch: Entry<T>[], error: Error): Promise<void> {
    if (batch.length === 1) {
      const message = `DynamoDB rejected the item: ${error.message}`;
      this.finish(batch[0]!, { kind: 'rejected', error: new RecordError(message, { cause: error }) });
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await this.send(batch.slice(0, middle));
    await this.send(batch.slice(middle));
  }

  private finish(entry: Entry<T>, outcome: Outcome): void {
    this.queue.settle(entry);
    const { onOutcome } = this.options;
    const { owner, superseded } = entry;
    if (outcome.kind === 'rejected') {
      onOutcome(owner.ticket, owner.index, outcome);
      // The older records this one superseded were never written: they get their own turn.
      if (superseded) this.queue.addOlder(superseded);
      return;
    }
    if (superseded) for (const older of superseded) onOutcome(older.ticket, older.index, outcome);
    onOutcome(owner.ticket, owner.index, outcome);
  }
}

function safeKeyId(keyIdOfItem: (item: Record<string, any>) => string, item: Record<string, any>): string {
  try {
    return keyIdOfItem(item);
  } catch {
    return '';
  }
}

function describeFailure(error: unknown, tableName: string): Error {
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'ResourceNotFoundException') {
    return new SinkError(`Table "${tableName}" was not found (${message}); create it, or pass createTable: true`, { cause: error, retriable: true });
  }
  const retriable = classifyError(error) === 'retry';
  const why = retriable ? 'retries ran out' : 'the error is not retryable';
  return new SinkError(`BatchWriteItem to "${tableName}" failed (${why}): ${name}: ${message}`, { cause: error, retriable });
}

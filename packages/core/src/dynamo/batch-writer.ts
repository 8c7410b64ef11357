import type { ConsumedCapacity, ReturnConsumedCapacity, WriteRequest } from '@aws-sdk/client-dynamodb';
import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordError, SinkError } from '../errors.js';
import type { BatchWrittenEvent, SinkEvents } from './events.js';
import type { RetryOptions } from './options.js';
import { backoffDelay, classifyError, isThrottling } from './retry-policy.js';
import { batchWriteBody, singleBody } from './requests.js';
import type { Transport } from './transport.js';
import { Fifo, WriteQueue, type Entry, type Owner } from './write-queue.js';

/** How an item's write ended. */
export type Outcome =
  | { readonly kind: 'written' }
  /** A version-guarded write that lost to the stored item (ConditionalCheckFailedException): not applied, not a failure. */
  | { readonly kind: 'stale' }
  /** DynamoDB refused the item itself (ValidationException with the item alone in its request). */
  | { readonly kind: 'rejected'; readonly error: RecordError }
  /** Retries ran out, or a fatal error: the record goes back to the caller. */
  | { readonly kind: 'unwritten'; readonly error: Error };

/** Records added to the writer and not built yet: `build` builds the next (undefined when it cannot become a write). */
export interface Unbuilt<T> {
  build(): Owner<T> | undefined;
  /** Records left to build. */
  readonly remaining: number;
}

export interface BatchWriterOptions<T> {
  readonly transport: Transport;
  readonly maxInFlight: number;
  readonly maxRetries: number;
  readonly retry: Required<RetryOptions>;
  readonly returnConsumedCapacity: ReturnConsumedCapacity;
  readonly events: SinkEvents;
  /** The keyId of an item or key as DynamoDB hands it back in UnprocessedItems for `table`. */
  readonly keyIdOfItem: (table: string, item: Record<string, any>) => string;
  /** Called once per record with how its write ended. */
  readonly onOutcome: (ticket: T, index: number, outcome: Outcome) => void;
}

const WRITTEN: Outcome = { kind: 'written' };
const STALE: Outcome = { kind: 'stale' };

/**
 * Sends queued writes, `maxInFlight` requests at a time: puts and deletes as BatchWriteItem requests, guarded writes
 * and updates as single-item calls, one slot each.
 * Records are built into writes only when a slot is free, a request's worth at a time: building a large write all at
 * once would hold up the answers of the requests in flight, and their slots with them.
 * Items DynamoDB leaves unprocessed go back in the queue with a backoff and ride along in later requests;
 * an error that fails a whole request is retried in place (p-retry), which holds the slot and so slows the sink down;
 * a ValidationException splits the request in halves until the bad item stands alone.
 */
export class BatchWriter<T> {
  private readonly queue = new WriteQueue<T>();
  /** Added records not yet built, in arrival order. */
  private readonly backlog = new Fifo<Unbuilt<T>>();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private buildingAhead = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: BatchWriterOptions<T>) {}

  /** Queues records, to be built when a request has room for them; call `pump` after adding. */
  add(records: Unbuilt<T>): void {
    this.backlog.push(records);
  }

  /** Sends what can be sent; call after adding records. */
  pump(): void {
    const now = performance.now();
    while (this.active < this.options.maxInFlight) {
      this.fill();
      const single = this.queue.takeSingle(now);
      const batch = single ? undefined : this.queue.take(now);
      if (!single && batch!.length === 0) break;
      this.active++;
      void (single ? this.sendSingle(single) : this.send(batch!)).finally(() => {
        this.active--;
        this.pump();
      });
    }
    this.scheduleRetry(now);
    this.scheduleBuildAhead();
    if (this.isIdle()) this.notifyIdle();
  }

  /**
   * With every slot taken, builds the next requests while waiting for answers, a request's worth at a time after
   * the answers already in (setImmediate), up to one request per slot: a freed slot then sends at once, and the
   * building moves off the path from an answer to the next request.
   */
  private scheduleBuildAhead(): void {
    if (this.buildingAhead || this.active < this.options.maxInFlight || this.backlog.length === 0) return;
    if (this.queue.readyRequests() >= this.options.maxInFlight) return;
    this.buildingAhead = true;
    setImmediate(() => {
      this.buildingAhead = false;
      this.fill(this.queue.readyRequests() + 1);
      this.scheduleBuildAhead();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.active === 0 && this.queue.size === 0 && this.backlog.length === 0;
  }

  /** Builds records from the backlog until `requests` requests are ready in full, or the backlog is empty. */
  private fill(requests = 1): void {
    const { backlog, queue } = this;
    while (backlog.length > 0 && queue.readyRequests() < requests) {
      const records = backlog.peek()!;
      const owner = records.build();
      if (records.remaining === 0) backlog.shift();
      if (owner) queue.add(owner);
    }
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
    const { events, transport, returnConsumedCapacity } = this.options;
    const started = performance.now();
    const { body, tables } = batchWriteBody(batch.map((entry) => entry.owner.prepared), returnConsumedCapacity);
    let response;
    try {
      response = await this.sendWithRetry(batch, 'BatchWriteItem', () => transport.sendJson('BatchWriteItem', body, tables));
    } catch (error) {
      const kind = classifyError(error);
      if (kind === 'invalid') return this.isolate(batch, error as Error);
      for (const entry of batch) {
        // A retryable error ran out the budget of the most-tried item; the others get more tries in later requests.
        if (kind === 'retry' && entry.attempts <= this.options.maxRetries) this.retryLater(entry, (error as Error).name);
        else this.finish(entry, { kind: 'unwritten', error: describeFailure(error, 'BatchWriteItem', entry.owner.prepared.table) });
      }
      return;
    }

    const retry = this.matchUnprocessed(batch, response.UnprocessedItems);
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
    events.batchWritten?.(writtenEvent('BatchWriteItem', batch.length - retry.size, retry.size, 0, started, response.ConsumedCapacity));
  }

  /** A guarded write or an update, alone in its request. A failed condition means a newer version is stored: stale. */
  private async sendSingle(entry: Entry<T>): Promise<void> {
    const { events, transport, returnConsumedCapacity } = this.options;
    const { table, single } = entry.owner.prepared;
    const { operation } = single!;
    const started = performance.now();
    const body = singleBody(single!, returnConsumedCapacity);
    let response;
    try {
      response = await this.sendWithRetry([entry], operation, () => transport.sendJson(operation, body, [table]));
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'ConditionalCheckFailedException') {
        this.finish(entry, STALE);
        events.batchWritten?.(writtenEvent(operation, 0, 0, 1, started, undefined));
        return;
      }
      const kind = classifyError(error);
      if (kind === 'invalid') return this.isolate([entry], error as Error);
      if (kind === 'retry' && entry.attempts <= this.options.maxRetries) this.retryLater(entry, name);
      else this.finish(entry, { kind: 'unwritten', error: describeFailure(error, operation, entry.owner.prepared.table) });
      return;
    }
    this.finish(entry, WRITTEN);
    const capacity = (response as { ConsumedCapacity?: ConsumedCapacity }).ConsumedCapacity;
    events.batchWritten?.(writtenEvent(operation, 1, 0, 0, started, capacity && [capacity]));
  }

  /** Sends, retrying in place (holding the slot) on errors that may pass; each retry counts against every entry's budget. */
  private async sendWithRetry<R>(batch: Entry<T>[], operation: string, send: () => Promise<R>): Promise<R> {
    const { maxRetries, retry, events } = this.options;
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
      events.retry?.({ items: batch.length, attempt: mostTried, delayMs, reason: error.name, error, operation });
      await sleep(delayMs);
    };

    // Most requests succeed at once: only a failed one pays for p-retry's bookkeeping.
    try {
      return await send();
    } catch (error) {
      if (classifyError(error) !== 'retry') throw error;
      await onFailedAttempt({ error: error as Error, retriesLeft: budget });
      if (budget === 0) throw error;
    }
    return pRetry(send, {
      retries: budget - 1,
      // p-retry's own delay is off: it draws from [1x, 2x], and we want full jitter, slept in onFailedAttempt.
      minTimeout: 0,
      maxTimeout: 0,
      shouldRetry: ({ error }) => classifyError(error) === 'retry',
      onFailedAttempt,
    });
  }

  /**
   * Which entries DynamoDB handed back. An item we cannot match makes every entry count as unprocessed: a needless
   * re-send is harmless (puts and deletes are idempotent), a lost one is not.
   */
  private matchUnprocessed(batch: Entry<T>[], unprocessed: Record<string, readonly WriteRequest[]> | undefined): Set<Entry<T>> {
    const matched = new Set<Entry<T>>();
    if (!unprocessed) return matched;
    let byKey: Map<string, Entry<T>> | undefined;
    for (const table in unprocessed) {
      for (const request of unprocessed[table]!) {
        byKey ??= new Map(batch.map((entry) => [entry.owner.prepared.keyId, entry]));
        const item = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
        const entry = item && byKey.get(safeKeyId(this.options.keyIdOfItem, table, item));
        if (!entry) return new Set(batch);
        matched.add(entry);
      }
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
    const { onOutcome } = this.options;
    const { owner, superseded } = entry;
    if (outcome.kind === 'rejected') {
      // The older records this one superseded were never written: they get their own turn, before newer ones.
      if (superseded) this.queue.addOlder(superseded);
      this.queue.settle(entry);
      onOutcome(owner.ticket, owner.index, outcome);
      return;
    }
    this.queue.settle(entry);
    if (superseded) for (const older of superseded) onOutcome(older.ticket, older.index, outcome);
    onOutcome(owner.ticket, owner.index, outcome);
  }
}

function safeKeyId(keyIdOfItem: (table: string, item: Record<string, any>) => string, table: string, item: Record<string, any>): string {
  try {
    return keyIdOfItem(table, item);
  } catch {
    return '';
  }
}

function writtenEvent(
  operation: BatchWrittenEvent['operation'],
  written: number,
  unprocessed: number,
  stale: number,
  started: number,
  consumedCapacity: readonly ConsumedCapacity[] | undefined,
): BatchWrittenEvent {
  const event = { operation, written, unprocessed, stale, latencyMs: performance.now() - started };
  return consumedCapacity ? { ...event, consumedCapacity } : event;
}

function describeFailure(error: unknown, operation: string, tableName: string): Error {
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'ResourceNotFoundException') {
    return new SinkError(`Table "${tableName}" was not found (${message}); create it, or pass createTable: true`, { cause: error, retriable: true });
  }
  const retriable = classifyError(error) === 'retry';
  const why = retriable ? 'retries ran out' : 'the error is not retryable';
  return new SinkError(`${operation} to "${tableName}" failed (${why}): ${name}: ${message}`, { cause: error, retriable });
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConfigError, SinkError, WriteError } from '../errors.js';
import type { Sink, SinkRecord, WriteResult } from '../sink.js';
import { BatchWriter, type Outcome } from './batch-writer.js';
import { ItemBuilder, PrepareError } from './item-builder.js';
import { parseKeySpec, type KeySpec } from './key-spec.js';
import { resolveOptions, type DynamoClientLike, type DynamoSinkOptions, type ResolvedOptions } from './options.js';
import { prepareTable } from './table.js';
import { WriteCall } from './write-call.js';

/** Records prepared between two looks at whether a request slot is free. */
const PUMP_EVERY = 256;

/**
 * Writes records into a DynamoDB table: derives key attributes from key specs, marshals every field,
 * packs BatchWriteItem requests, retries what DynamoDB leaves unprocessed, and hands back what cannot be written.
 *
 * @example
 * const sink = new DynamoSink({ tableName: 'events', partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f', clientConfig: { region: 'eu-west-1' } });
 * const { written, failed } = await sink.write([{ value: { timestamp: 1667844200703123, key1: 'value1' } }]);
 * await sink.close();
 */
export class DynamoSink<V = Record<string, unknown>> implements Sink<V> {
  readonly options: ResolvedOptions;
  private readonly client: DynamoClientLike;
  private readonly ownsClient: boolean;
  private readonly partition: KeySpec;
  private readonly sort: KeySpec | undefined;
  private opening: Promise<void> | undefined;
  private builder: ItemBuilder | undefined;
  private readonly writer: BatchWriter<WriteCall<V>>;
  private closing: Promise<void> | undefined;
  /** write() calls waiting for open(), and how close() hears that the last of them has queued its records. */
  private arriving = 0;
  private arrived: (() => void) | undefined;

  constructor(options: DynamoSinkOptions) {
    this.options = resolveOptions(options);
    const { partitionKey, sortKey, timeZone } = this.options;
    this.partition = parseKeySpec(partitionKey, 'partitionKey', timeZone);
    this.sort = sortKey === undefined ? undefined : parseKeySpec(sortKey, 'sortKey', timeZone);
    if (this.sort && this.sort.attribute === this.partition.attribute) {
      throw new ConfigError(`\`partitionKey\` and \`sortKey\` both name the attribute "${this.sort.attribute}"; they must differ`);
    }
    this.ownsClient = !options.client;
    this.client = options.client ?? createClient(options, this.options.maxInFlight);
    this.writer = new BatchWriter<WriteCall<V>>({
      client: this.client,
      tableName: this.options.tableName,
      maxInFlight: this.options.maxInFlight,
      maxRetries: this.options.maxRetries,
      retry: this.options.retry,
      returnConsumedCapacity: this.options.returnConsumedCapacity,
      events: this.options.events,
      keyIdOfItem: (item) => this.builder!.keyIdOfItem(item),
      onOutcome: (call, index, outcome) => this.settle(call, index, outcome),
    });
  }

  /** Checks (or creates) the table and learns its key types. Idempotent; `write` calls it when you did not. */
  open(): Promise<void> {
    this.opening ??= this.prepare().catch((error: unknown) => {
      this.opening = undefined; // the next call tries again: the table may have been created meanwhile
      throw error;
    });
    return this.opening;
  }

  /**
   * Writes records. Resolves when each is written or failed for good (`failed`, with a reason and the field at fault).
   * Rejects with a `WriteError` holding every record not written when writing cannot go on.
   */
  async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    if (!Array.isArray(records)) throw new TypeError('Expected `records` to be an array of { value, timestamp? }');
    if (this.closing) throw new SinkError('DynamoSink is closed');
    if (this.builder) return this.enqueue(records);
    // Until its records are queued, close() must wait for this call: the queue alone does not know of it.
    this.arriving++;
    try {
      await this.open().catch((error: unknown) => {
        throw new WriteError<V>(`No record was written: ${(error as Error).message}`, { unwritten: records, written: 0, failed: [], cause: error });
      });
      return this.enqueue(records);
    } finally {
      if (--this.arriving === 0) this.arrived?.();
    }
  }

  /** Waits for writes in flight, then releases the client if the sink created it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.arriving > 0) await new Promise<void>((resolve) => (this.arrived = resolve));
      await this.writer.idle();
      if (this.ownsClient) (this.client as DynamoDBClient).destroy();
    })();
    return this.closing;
  }

  private enqueue(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    const call = new WriteCall<V>(records);
    const builder = this.builder!;
    for (let index = 0; index < records.length; index++) {
      let prepared;
      try {
        prepared = builder.build(records[index] as SinkRecord);
      } catch (error) {
        const failure = call.markFailed(index, error instanceof PrepareError ? error.reason : 'invalid-value', error as Error);
        this.options.events.failed?.(failure); // not inside `?.()`: its arguments are skipped when there is no hook
        continue;
      }
      this.writer.add({ prepared, ticket: call, index });
      // In a large write, let the first requests leave while the rest is still being prepared.
      if (index % PUMP_EVERY === PUMP_EVERY - 1) this.writer.pump();
    }
    this.writer.pump();
    return call.promise;
  }

  private async prepare(): Promise<void> {
    const types = await prepareTable(this.client, this.options, this.partition, this.sort);
    this.builder = new ItemBuilder(
      { partition: this.partition, partitionType: types.partitionType, sort: this.sort, sortType: types.sortType },
      this.options.timestampField,
      this.options.timestampUnit,
    );
  }

  private settle(call: WriteCall<V>, index: number, outcome: Outcome): void {
    switch (outcome.kind) {
      case 'written':
        call.markWritten();
        return;
      case 'rejected': {
        const failure = call.markFailed(index, 'rejected', outcome.error);
        this.options.events.failed?.(failure);
        return;
      }
      case 'unwritten':
        call.markUnwritten(index, outcome.error);
    }
  }
}

/**
 * A client whose sockets are kept alive and numerous enough for `maxInFlight`; retries are the sink's, not the SDK's.
 * `cacheMiddleware` builds the middleware stack once instead of per request: the sink sends one kind of command, thousands of times.
 */
function createClient(options: DynamoSinkOptions, maxInFlight: number): DynamoDBClient {
  const agentOptions = { keepAlive: true, maxSockets: Math.max(50, maxInFlight) };
  return new DynamoDBClient({
    maxAttempts: 1,
    cacheMiddleware: true,
    requestHandler: { httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions) },
    ...options.clientConfig,
  });
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamodb } from './commonjs-packages.cjs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConfigError, RecordError, SinkError } from '../errors.js';
import type { FailureReason, Sink, SinkRecord, WriteResult } from '../sink.js';
import { BatchWriter, type Outcome, type Unbuilt } from './batch-writer.js';
import { ItemBuilder, PrepareError } from './item-builder.js';
import { parseKeySpec, type KeySpec } from './key-spec.js';
import { resolveOptions, TABLE_NAME, TABLE_NAME_RULE, type DynamoClientLike, type DynamoSinkOptions, type ResolvedOptions } from './options.js';
import { prepareTable } from './table.js';
import { directTransport } from './direct/index.js';
import { sdkTransport, type Transport } from './transport.js';
import { WriteCall } from './write-call.js';
import type { Owner } from './write-queue.js';

/** A table the sink writes to: being described (or created), then ready with its builder. */
interface TableState<V> {
  readonly name: string;
  builder: ItemBuilder | undefined;
  preparing: Promise<void> | undefined;
  /** Records routed here while the table was being prepared, in arrival order. */
  pending: Run<V>[];
}

/**
 * Consecutive records of one `write` call bound for one table, on their way to the writer, which builds them one at a
 * time when a request has room. One object for a whole write (not one per record): fewer objects outlive a request.
 */
class Run<V> implements Unbuilt<WriteCall<V>> {
  constructor(
    readonly call: WriteCall<V>,
    readonly table: TableState<V>,
    private next: number,
    /** One past the last record's index. */
    public end: number,
    private readonly fail: (call: WriteCall<V>, index: number, error: unknown) => void,
  ) {}

  get remaining(): number {
    return this.end - this.next;
  }

  build(): Owner<WriteCall<V>> | undefined {
    const index = this.next++;
    try {
      return { prepared: this.table.builder!.build(this.call.records[index] as SinkRecord), ticket: this.call, index };
    } catch (error) {
      this.fail(this.call, index, error);
      return undefined;
    }
  }

  /** Hands every record back unwritten (its table could not be prepared). */
  giveBack(error: Error): void {
    while (this.next < this.end) this.call.markUnwritten(this.next++, error);
  }
}

/**
 * Writes records into DynamoDB: derives key attributes from key specs, marshals every field, and sends each record
 * as what it is: a put or a delete packed into BatchWriteItem requests, or a version-guarded write or partial update
 * as a single-item call. Retries what DynamoDB leaves unprocessed, and hands back what cannot be written.
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
  private readonly transport: Transport;
  private readonly partition: KeySpec;
  private readonly sort: KeySpec | undefined;
  private readonly tables = new Map<string, TableState<V>>();
  /** The table of every record, when `tableName` is not a function. */
  private readonly fixedTable: string | undefined;
  private readonly writer: BatchWriter<WriteCall<V>>;
  private closing: Promise<void> | undefined;

  constructor(options: DynamoSinkOptions<V>) {
    this.options = resolveOptions(options);
    const { partitionKey, sortKey, timeZone, tableName } = this.options;
    this.partition = parseKeySpec(partitionKey, 'partitionKey', timeZone);
    this.sort = sortKey === undefined ? undefined : parseKeySpec(sortKey, 'sortKey', timeZone);
    if (this.sort && this.sort.attribute === this.partition.attribute) {
      throw new ConfigError(`\`partitionKey\` and \`sortKey\` both name the attribute "${this.sort.attribute}"; they must differ`);
    }
    checkAttributeClashes(this.options, [this.partition.attribute, this.sort?.attribute]);
    this.fixedTable = typeof tableName === 'string' ? tableName : undefined;
    this.ownsClient = !options.client;
    this.client = options.client ?? createClient(options, this.options.maxInFlight);
    this.transport = this.options.transport === 'sdk' ? sdkTransport(this.client) : directOver(this.client, this.options.maxInFlight);
    this.writer = new BatchWriter<WriteCall<V>>({
      transport: this.transport,
      maxInFlight: this.options.maxInFlight,
      maxRetries: this.options.maxRetries,
      retry: this.options.retry,
      returnConsumedCapacity: this.options.returnConsumedCapacity,
      events: this.options.events,
      keyIdOfItem: (table, item) => this.tables.get(table)!.builder!.keyIdOfItem(item),
      onOutcome: (call, index, outcome) => this.settle(call, index, outcome),
    });
  }

  /**
   * Checks (or creates) the table and learns its key types. Idempotent; `write` calls it when you did not.
   * With a `tableName` function, each table is prepared when its first record arrives.
   */
  open(): Promise<void> {
    if (this.fixedTable === undefined) return Promise.resolve();
    return this.prepare(this.table(this.fixedTable));
  }

  /**
   * Writes records. Resolves when each is written, stale or failed for good (`failed`, with a reason and the field at
   * fault). Rejects with a `WriteError` holding every record not written when writing cannot go on.
   */
  write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
    if (!Array.isArray(records)) return Promise.reject(new TypeError('Expected `records` to be an array of { value, timestamp? }'));
    if (this.closing) return Promise.reject(new SinkError('DynamoSink is closed'));
    const call = new WriteCall<V>(records);
    const waiting = new Set<TableState<V>>();
    let run: Run<V> | undefined;
    for (let index = 0; index < records.length; index++) {
      const state = this.route(records[index]!, call, index);
      if (!state) continue;
      if (run?.table === state && run.end === index) {
        run.end++;
        continue;
      }
      run = new Run(call, state, index, index + 1, this.buildFailed);
      if (state.builder && state.pending.length === 0) this.writer.add(run);
      else {
        state.pending.push(run);
        waiting.add(state);
      }
    }
    for (const state of waiting) void this.prepare(state).catch(() => {}); // its records learn of a failure in `flush`
    this.writer.pump();
    return call.promise;
  }

  /** Waits for writes in flight, then releases the client if the sink created it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const state of this.tables.values()) await state.preparing?.catch(() => {});
      await this.writer.idle();
      this.transport.destroy?.();
      if (this.ownsClient) (this.client as DynamoDBClient).destroy();
    })();
    return this.closing;
  }

  /** The record's table, ready or being prepared; undefined when the record failed to be routed. */
  private route(record: SinkRecord<V>, call: WriteCall<V>, index: number): TableState<V> | undefined {
    if (this.fixedTable !== undefined) return this.table(this.fixedTable);
    let name: unknown;
    try {
      name = (this.options.tableName as (record: SinkRecord<V>) => string)(record);
    } catch (error) {
      this.fail(call, index, 'invalid-key', new RecordError(`\`tableName\` threw: ${(error as Error)?.message ?? String(error)}`, { field: 'tableName', cause: error }));
      return undefined;
    }
    if (typeof name === 'string' && this.tables.has(name)) return this.tables.get(name);
    if (typeof name !== 'string' || !TABLE_NAME.test(name)) {
      const why = `Table name ${JSON.stringify(name)} from \`tableName\` is not one DynamoDB accepts: expected ${TABLE_NAME_RULE}`;
      this.fail(call, index, 'invalid-key', new RecordError(why, { field: 'tableName' }));
      return undefined;
    }
    return this.table(name);
  }

  private table(name: string): TableState<V> {
    let state = this.tables.get(name);
    if (!state) this.tables.set(name, (state = { name, builder: undefined, preparing: undefined, pending: [] }));
    return state;
  }

  /** Describes (or creates) a table once; on failure, its waiting records go back unwritten and the next write tries again. */
  private prepare(state: TableState<V>): Promise<void> {
    if (state.builder) return Promise.resolve();
    const { name } = state;
    state.preparing ??= prepareTable(this.transport, name, this.options, this.partition, this.sort).then(
      (types) => {
        const keys = { partition: this.partition, partitionType: types.partitionType, sort: this.sort, sortType: types.sortType };
        state.builder = new ItemBuilder(keys, name, this.options, this.fixedTable === undefined ? `${name}\u0001` : '');
        this.flush(state, undefined);
      },
      (error: unknown) => {
        state.preparing = undefined;
        this.flush(state, error as Error);
        throw error;
      },
    );
    return state.preparing;
  }

  /** Hands the records that waited for a table to the writer, in arrival order, or back to their callers. */
  private flush(state: TableState<V>, error: Error | undefined): void {
    const pending = state.pending;
    state.pending = [];
    for (const run of pending) {
      if (error) run.giveBack(error);
      else this.writer.add(run);
    }
    this.writer.pump();
  }

  /** A record that cannot become a write fails alone, with the reason. */
  private readonly buildFailed = (call: WriteCall<V>, index: number, error: unknown): void => {
    this.fail(call, index, error instanceof PrepareError ? error.reason : 'invalid-value', error as Error);
  };

  private fail(call: WriteCall<V>, index: number, reason: FailureReason, error: Error & { field?: string | undefined }): void {
    const failure = call.markFailed(index, reason, error);
    this.options.events.failed?.(failure); // not inside `?.()`: its arguments are skipped when there is no hook
  }

  private settle(call: WriteCall<V>, index: number, outcome: Outcome): void {
    switch (outcome.kind) {
      case 'written':
        call.markWritten();
        return;
      case 'stale':
        call.markStale();
        return;
      case 'rejected':
        this.fail(call, index, 'rejected', outcome.error);
        return;
      case 'unwritten':
        call.markUnwritten(index, outcome.error);
    }
  }
}

/** Attributes the sink sets itself must not be key attributes, nor each other. */
function checkAttributeClashes(options: ResolvedOptions, keys: (string | undefined)[]): void {
  const set: [string, string | undefined][] = [
    ['ttl.attribute', options.ttl?.attribute],
    ['versionAttribute', options.version?.attribute],
    ['tombstoneAttribute', options.deleteMode === 'tombstone' ? options.tombstoneAttribute : undefined],
  ];
  const seen = new Map<string, string>();
  for (const key of keys) if (key !== undefined) seen.set(key, 'a key attribute');
  for (const [option, attribute] of set) {
    if (attribute === undefined) continue;
    const other = seen.get(attribute);
    if (other) throw new ConfigError(`\`${option}\` "${attribute}" is also ${other}; give it an attribute of its own`);
    seen.set(attribute, `\`${option}\``);
  }
}

/** The direct transport over a DynamoDBClient's config; anything else (a fake, a bare `{ send }`) can only go through `send`. */
function directOver(client: DynamoClientLike, maxInFlight: number): Transport {
  try {
    return directTransport(client as DynamoDBClient, { maxSockets: Math.max(50, maxInFlight) });
  } catch (error) {
    throw new ConfigError(`\`transport: 'direct'\` needs a DynamoDBClient, whose config gives credentials, region and endpoint: ${(error as Error).message}; pass \`transport: 'sdk'\` for other clients`, { cause: error });
  }
}

/**
 * A client whose sockets are kept alive and numerous enough for `maxInFlight`; retries are the sink's, not the SDK's.
 * `cacheMiddleware` builds the middleware stack once instead of per request: the sink sends one kind of command, thousands of times.
 */
function createClient(options: DynamoSinkOptions<any>, maxInFlight: number): DynamoDBClient {
  const agentOptions = { keepAlive: true, maxSockets: Math.max(50, maxInFlight) };
  return new dynamodb.DynamoDBClient({
    maxAttempts: 1,
    cacheMiddleware: true,
    requestHandler: { httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions) },
    ...options.clientConfig,
  });
}

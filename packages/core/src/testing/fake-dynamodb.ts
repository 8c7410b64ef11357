/**
 * An in-memory stand-in for `DynamoDBClient`, for unit tests of code that writes to DynamoDB.
 *
 * It answers the commands a sink uses the way DynamoDB does (same output shapes, same validations, same
 * error classes and messages), and injects throttling, server errors, unprocessed items and latency on demand,
 * from a seeded generator so every run of a test sees the same faults.
 *
 * Where DynamoDB, DynamoDB Local and dynalite word an error differently, it uses the service's wording as
 * dynalite records it, and DynamoDB Local's where dynalite has none. Expressions (fake-expressions.ts) follow DynamoDB
 * Local, whose syntax errors and comparisons are the service's where dynalite's are not.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBServiceException,
  GetItemCommand,
  InternalServerError,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  ThrottlingException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type ConsumedCapacity,
  type CreateTableCommandInput,
  type CreateTableCommandOutput,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DeleteTableCommandInput,
  type DeleteTableCommandOutput,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  type DescribeTimeToLiveCommandInput,
  type DescribeTimeToLiveCommandOutput,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type ListTablesCommandInput,
  type ListTablesCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type ScalarAttributeType,
  type ScanCommandInput,
  type ScanCommandOutput,
  type TableDescription,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
  type UpdateTimeToLiveCommandInput,
  type UpdateTimeToLiveCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { unmarshall, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { itemSize, MAX_ITEM_BYTES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from '../dynamo/item-size.js';
import {
  applyUpdate,
  checkExpressionParameters,
  compareScalars,
  evaluateCondition,
  ExpressionError,
  parseExpressions,
  resolvePath,
  typeOf,
  updatedPaths,
  type Condition,
  type ExpressionName,
  type UpdateActions,
} from './fake-expressions.js';
import { seededRandom } from './seeded-random.js';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/** Options of {@link FakeDynamoDB}. Every rate is a fraction from 0 to 1. */
export interface FakeDynamoDBOptions {
  /** Each call answers after this many ms (default 0: on a later microtask, never synchronously). */
  latencyMs?: number;
  /** Adds a random 0..`jitterMs` ms to each call's latency, so concurrent calls can finish out of order (default 0). */
  jitterMs?: number;
  /** Fraction of the write requests of each BatchWriteItem call handed back, unwritten, as UnprocessedItems (default 0). */
  unprocessedRate?: number;
  /** Fraction of write calls (see `faultyOperations`) that fail with ProvisionedThroughputExceededException, writing nothing (default 0). */
  throttleRate?: number;
  /** Fraction of write calls (see `faultyOperations`) that fail with InternalServerError (HTTP 500), writing nothing (default 0). */
  serverErrorRate?: number;
  /**
   * The operations `throttleRate` and `serverErrorRate` apply to (default all four writes: BatchWriteItem, PutItem,
   * DeleteItem, UpdateItem). E.g. `['PutItem', 'DeleteItem', 'UpdateItem']` throttles single-item writes only.
   */
  faultyOperations?: readonly FakeWriteOperation[];
  /** How long a table made by CreateTable stays CREATING before it is ACTIVE (default 0: ACTIVE by the next call). */
  createTableMs?: number;
  /** Seed of the generator behind rates, jitter and request ids: the same seed and calls give the same outcomes (default 1). */
  seed?: number;
}

/** The options a {@link FakeDynamoDB} runs with; change them at any time, e.g. `fake.options.throttleRate = 0`. */
export interface FakeDynamoDBSettings {
  latencyMs: number;
  jitterMs: number;
  unprocessedRate: number;
  throttleRate: number;
  serverErrorRate: number;
  faultyOperations: readonly FakeWriteOperation[];
  createTableMs: number;
  /** Read once, at construction. */
  readonly seed: number;
}

/** The operations {@link FakeDynamoDB.send} answers, named as in DynamoDB's API. */
export type FakeOperation =
  | 'BatchWriteItem'
  | 'CreateTable'
  | 'DeleteItem'
  | 'DeleteTable'
  | 'DescribeTable'
  | 'DescribeTimeToLive'
  | 'GetItem'
  | 'ListTables'
  | 'PutItem'
  | 'Scan'
  | 'UpdateItem'
  | 'UpdateTimeToLive';

/** The operations that write items: random faults and in-flight counts apply to them. */
export type FakeWriteOperation = 'BatchWriteItem' | 'PutItem' | 'DeleteItem' | 'UpdateItem';

/** Errors {@link FakeDynamoDB.failNext} can script, each thrown with DynamoDB's HTTP status, fault and default message. */
export type FakeErrorName =
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'RequestLimitExceeded'
  | 'InternalServerError'
  | 'ServiceUnavailable'
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'AccessDeniedException'
  | 'UnrecognizedClientException'
  | 'ConditionalCheckFailedException';

/** A fault for {@link FakeDynamoDB.failNext}. */
export type ScriptedFault =
  | {
      /** Throw this error: a name (thrown as the SDK would, with DynamoDB's status and message) or any `Error`, e.g. a network error. */
      readonly error: FakeErrorName | Error;
      /** Overrides the default message of a named error. */
      readonly message?: string;
      /**
       * Run the call first (its writes applied, or its condition failed), then throw: what a client sees when the
       * connection drops after DynamoDB answered. For the four write operations. Default false (nothing written).
       */
      readonly afterWrite?: boolean;
      /** The operation whose next call fails (default BatchWriteItem). */
      readonly operation?: FakeOperation;
      /** How many successive calls fail this way (default 1). */
      readonly times?: number;
    }
  | {
      /** Hand back the last `n` write requests of the call (in request order, across tables), or all, as UnprocessedItems; write the rest. */
      readonly unprocessed: number | 'all';
      readonly operation?: 'BatchWriteItem';
      readonly times?: number;
    };

/** Key attributes for {@link FakeDynamoDB.createTableSync}: a name (type S) or a name and a type. */
export type FakeKeyAttribute = string | { readonly name: string; readonly type: ScalarAttributeType };

/** What {@link FakeDynamoDB} has done so far. Counters are live. */
export interface FakeDynamoDBStats {
  /** BatchWriteItem calls received, including the ones that failed. */
  readonly batchWriteCalls: number;
  /** PutItem, DeleteItem and UpdateItem calls received, including the ones that failed (`calls` has them one by one). */
  readonly itemWriteCalls: number;
  /**
   * Puts, deletes and updates applied to tables (BatchWriteItem requests, PutItem, DeleteItem, UpdateItem).
   * A call refused by its ConditionExpression writes nothing: those count in `errors.ConditionalCheckFailedException`.
   */
  readonly itemsWritten: number;
  /** Write requests handed back as UnprocessedItems. */
  readonly unprocessedItems: number;
  /** BatchWriteItem calls awaiting their answer now. */
  readonly inFlight: number;
  /** The most BatchWriteItem calls that were awaiting their answer at the same time. */
  readonly peakInFlight: number;
  /** PutItem, DeleteItem and UpdateItem calls awaiting their answer now. */
  readonly itemWritesInFlight: number;
  /** The most PutItem, DeleteItem and UpdateItem calls that were awaiting their answer at the same time. */
  readonly peakItemWritesInFlight: number;
  /** Write calls of any of the four kinds awaiting their answer now. */
  readonly writesInFlight: number;
  /** The most write calls of any kind that were awaiting their answer at the same time. */
  readonly peakWritesInFlight: number;
  /** Calls received, by operation name. */
  readonly calls: Readonly<Partial<Record<FakeOperation, number>>>;
  /** Errors thrown, by error name (e.g. `ValidationException`, `ConditionalCheckFailedException`), scripted ones included. */
  readonly errors: Readonly<Record<string, number>>;
  /**
   * How many times each key of a table was written (put, updated or deleted).
   * Keys read as text: the partition key's value for a table without a sort key (`"user-1"`), else
   * `JSON.stringify([partition, sort])` (`'["user-1","2024-05-01"]'`); numbers in canonical form, binary in base64.
   */
  writesPerKey(tableName: string): Map<string, number>;
}

/** The output type of an AWS SDK v3 command, read from the type of the handler its `resolveMiddleware` builds. */
export type CommandOutputOf<C> = C extends {
  resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer O }>;
}
  ? O
  : unknown;

// ---------------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------------

/**
 * An in-memory DynamoDB behind the `send(command)` of `DynamoDBClient`.
 *
 * @example
 * const fake = new FakeDynamoDB({ unprocessedRate: 0.2, seed: 7 });
 * fake.createTableSync('events', { partitionKey: 'id' });
 * fake.failNext({ error: 'ProvisionedThroughputExceededException' });
 * const sink = new DynamoSink({ client: fake, tableName: 'events', partitionKey: 'id' });
 * await sink.write(records);
 * expect(fake.items('events')).toHaveLength(records.length);
 * expect(fake.stats.unprocessedItems).toBeGreaterThan(0);
 */
export class FakeDynamoDB {
  /** The options in force; mutable, read on every call (`seed` excepted). */
  readonly options: FakeDynamoDBSettings;
  /** Counters of what happened so far. */
  readonly stats: FakeDynamoDBStats;

  readonly #tables = new Map<string, Table>();
  readonly #scripted: ScriptedFaultQueue = [];
  readonly #counters: Counters;
  readonly #faultDraws: () => number;
  readonly #latencyDraws: () => number;
  readonly #idDraws: () => number;

  constructor(options: FakeDynamoDBOptions = {}) {
    this.options = {
      latencyMs: options.latencyMs ?? 0,
      jitterMs: options.jitterMs ?? 0,
      unprocessedRate: options.unprocessedRate ?? 0,
      throttleRate: options.throttleRate ?? 0,
      serverErrorRate: options.serverErrorRate ?? 0,
      faultyOperations: [...(options.faultyOperations ?? WRITE_OPERATIONS)],
      createTableMs: options.createTableMs ?? 0,
      seed: options.seed ?? 1,
    };
    checkSettings(this.options);
    // Separate streams, so that e.g. adding jitter does not change which calls get throttled.
    this.#faultDraws = seededRandom(this.options.seed);
    this.#latencyDraws = seededRandom(this.options.seed ^ 0x9e3779b9);
    this.#idDraws = seededRandom(this.options.seed ^ 0x85ebca6b);
    this.#counters = new Counters();
    this.stats = this.#counters;
  }

  /**
   * Runs a command as `DynamoDBClient.send` would: resolves with the command's output (with `$metadata`), or rejects
   * with the `DynamoDBServiceException` the SDK would throw. Supports BatchWriteItem, PutItem, DeleteItem, UpdateItem
   * (with ConditionExpression, UpdateExpression and their placeholders), GetItem, Scan, CreateTable, DeleteTable,
   * DescribeTable, DescribeTimeToLive, ListTables and UpdateTimeToLive; any other command rejects with an `Error`
   * naming it.
   */
  async send<C extends { readonly input?: object }>(command: C, _options?: unknown): Promise<CommandOutputOf<C>> {
    const operation = operationOf(command);
    const input = (command as { input?: object }).input ?? {};
    this.#counters.calls[operation] = (this.#counters.calls[operation] ?? 0) + 1;
    const isWrite = isWriteOperation(operation);
    if (isWrite) this.#counters.startWrite(operation);
    try {
      checkSettings(this.options);
      await this.#delay();
      const requestId = this.#requestId();
      try {
        const output = this.#answer(operation, input);
        return { ...output, $metadata: metadata(200, requestId) } as CommandOutputOf<C>;
      } catch (error) {
        throw this.#toThrown(error, requestId);
      }
    } finally {
      if (isWrite) this.#counters.endWrite(operation);
    }
  }

  /**
   * Queues a fault for the next call(s) of an operation (default BatchWriteItem), ahead of any random fault.
   * Faults are taken in the order queued. A write (BatchWriteItem, PutItem, DeleteItem, UpdateItem) is validated
   * first: a call that fails validation fails as DynamoDB would and leaves the queue as it was; a scripted fault
   * comes before the call's ConditionExpression is checked, as throttling does. Other operations fail before they
   * run, and `afterWrite` applies to the writes only.
   *
   * @example
   * fake.failNext({ error: 'ProvisionedThroughputExceededException' })
   *     .failNext({ unprocessed: 'all' })
   *     .failNext({ error: 'InternalServerError', afterWrite: true })
   *     .failNext({ error: 'ThrottlingException', operation: 'UpdateItem', times: 2 });
   */
  failNext(fault: ScriptedFault): this {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`failNext: times must be a positive integer, got ${times}`);
    if ('unprocessed' in fault) {
      if (fault.unprocessed !== 'all' && !(Number.isInteger(fault.unprocessed) && fault.unprocessed >= 0)) {
        throw new RangeError(`failNext: unprocessed must be 'all' or a count >= 0, got ${fault.unprocessed}`);
      }
      if ((fault.operation ?? 'BatchWriteItem') !== 'BatchWriteItem') throw new RangeError('failNext: only BatchWriteItem hands back unprocessed items');
    }
    for (let i = 0; i < times; i++) this.#scripted.push(fault);
    return this;
  }

  /** How many scripted faults are still waiting for a call. */
  get pendingFaults(): number {
    return this.#scripted.length;
  }

  /**
   * Creates a table at once, ACTIVE unless `options.creatingForMs` is given, for test setup.
   * Throws like CreateTable (ResourceInUseException if it exists, ValidationException for a bad name).
   *
   * `globalIndexes` adds global secondary indexes by name, each on one (partition) key attribute: items are then
   * refused, as DynamoDB refuses them, when that attribute has the wrong type or is an empty string or binary.
   *
   * @example fake.createTableSync('events', { partitionKey: 'date', sortKey: { name: 'seq', type: 'N' } });
   * @example fake.createTableSync('events', { partitionKey: 'id', globalIndexes: { 'by-region': 'region' } });
   */
  createTableSync(
    tableName: string,
    keys: {
      readonly partitionKey: FakeKeyAttribute;
      readonly sortKey?: FakeKeyAttribute;
      readonly globalIndexes?: Readonly<Record<string, FakeKeyAttribute>>;
    },
    options: { readonly creatingForMs?: number } = {},
  ): this {
    const attribute = (key: FakeKeyAttribute) => (typeof key === 'string' ? { name: key, type: 'S' as const } : key);
    const partition = attribute(keys.partitionKey);
    const sort = keys.sortKey === undefined ? undefined : attribute(keys.sortKey);
    const indexes = Object.entries(keys.globalIndexes ?? {}).map(([name, key]) => ({ name, key: attribute(key) }));
    const input: CreateTableCommandInput = {
      TableName: tableName,
      KeySchema: [{ AttributeName: partition.name, KeyType: 'HASH' }, ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : [])],
      AttributeDefinitions: [
        { AttributeName: partition.name, AttributeType: partition.type },
        ...(sort ? [{ AttributeName: sort.name, AttributeType: sort.type }] : []),
        ...indexes.map(({ key }) => ({ AttributeName: key.name, AttributeType: key.type })),
      ],
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map(({ name, key }) => ({
              IndexName: name,
              KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' as const }],
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }
        : {}),
      BillingMode: 'PAY_PER_REQUEST',
    };
    try {
      this.#createTable(input, options.creatingForMs ?? 0);
    } catch (error) {
      throw error instanceof Refusal ? serviceException(error, this.#requestId()) : error;
    }
    return this;
  }

  /**
   * A table's items as plain objects (util-dynamodb `unmarshall`), sorted by key as DynamoDB orders keys.
   * Numbers come back as JS numbers unless `options.wrapNumbers` says otherwise.
   */
  items(tableName: string, options?: unmarshallOptions): Record<string, unknown>[] {
    return this.rawItems(tableName).map((item) => unmarshall(item, options));
  }

  /** A table's items as stored (AttributeValue maps, numbers in canonical form), sorted by key. Copies. */
  rawItems(tableName: string): Record<string, AttributeValue>[] {
    const table = this.#tables.get(tableName);
    if (!table) throw new Error(`FakeDynamoDB has no table "${tableName}" (tables: ${[...this.#tables.keys()].join(', ') || 'none'})`);
    return table.sortedItems().map(copyItem);
  }

  // --- dispatch -----------------------------------------------------------------------------------------------

  #answer(operation: FakeOperation, input: object): object {
    // Writes take their scripted faults after validation, as DynamoDB validates a request before it throttles it.
    if (!isWriteOperation(operation)) {
      const fault = this.#takeScripted(operation);
      if (fault && 'error' in fault) throw scriptedError(fault);
    }
    switch (operation) {
      case 'BatchWriteItem':
        return this.#batchWriteItem(input as BatchWriteItemCommandInput);
      case 'CreateTable':
        return this.#createTableCommand(input as CreateTableCommandInput);
      case 'DeleteItem':
        return this.#deleteItem(input as DeleteItemCommandInput);
      case 'DeleteTable':
        return this.#deleteTable(input as DeleteTableCommandInput);
      case 'DescribeTable':
        return this.#describeTable(input as DescribeTableCommandInput);
      case 'DescribeTimeToLive':
        return this.#describeTimeToLive(input as DescribeTimeToLiveCommandInput);
      case 'GetItem':
        return this.#getItem(input as GetItemCommandInput);
      case 'ListTables':
        return this.#listTables(input as ListTablesCommandInput);
      case 'PutItem':
        return this.#putItem(input as PutItemCommandInput);
      case 'Scan':
        return this.#scan(input as ScanCommandInput);
      case 'UpdateItem':
        return this.#updateItem(input as UpdateItemCommandInput);
      case 'UpdateTimeToLive':
        return this.#updateTimeToLive(input as UpdateTimeToLiveCommandInput);
    }
  }

  // --- BatchWriteItem -----------------------------------------------------------------------------------------

  #batchWriteItem(input: BatchWriteItemCommandInput): Omit<BatchWriteItemCommandOutput, '$metadata'> {
    const writes = this.#validateBatch(input.RequestItems);

    let unprocessed = new Set<PlannedWrite>();
    const scripted = this.#takeScripted('BatchWriteItem');
    if (scripted && 'unprocessed' in scripted) {
      unprocessed = new Set(scripted.unprocessed === 'all' ? writes : writes.slice(Math.max(0, writes.length - scripted.unprocessed)));
    } else if (scripted) {
      if (scripted.afterWrite) this.#apply(writes);
      throw scriptedError(scripted);
    } else {
      const fault = this.#randomFault('BatchWriteItem');
      for (const write of writes) if (this.#faultDraws() < this.options.unprocessedRate) unprocessed.add(write);
      if (fault) throw fault;
    }

    const applied = writes.filter((write) => !unprocessed.has(write));
    const consumed = this.#apply(applied);
    this.#counters.unprocessedItems += unprocessed.size;
    const UnprocessedItems: Record<string, WriteRequest[]> = {};
    for (const write of unprocessed) (UnprocessedItems[write.table.name] ??= []).push(structuredClone(write.request));
    return {
      UnprocessedItems,
      ...consumedCapacity(input.ReturnConsumedCapacity, consumed),
    };
  }

  /** Validates a whole BatchWriteItem as DynamoDB does, before anything is written: one bad request fails the call. */
  #validateBatch(requestItems: BatchWriteItemCommandInput['RequestItems']): PlannedWrite[] {
    if (requestItems === undefined || requestItems === null) {
      throw invalid("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
    }
    const tableNames = Object.keys(requestItems);
    if (tableNames.length === 0) throw invalid('BatchWriteItem cannot have a null or no requests set');
    const badNames = tableNames.filter((name) => tableNameConstraints(name).length > 0);
    if (badNames.length > 0) {
      throw invalid(
        `1 validation error detected: Value '${JSON.stringify(requestItems)}' at 'requestItems' failed to satisfy constraint: ` +
          `Map keys must satisfy constraint: [${TABLE_NAME_CONSTRAINTS.join(', ')}]`,
      );
    }
    let total = 0;
    for (const name of tableNames) {
      const requests = requestItems[name];
      if (!requests || requests.length === 0) throw invalid(`The batch write request list for a table cannot be null or empty: ${name}`);
      total += requests.length;
    }
    if (total > MAX_BATCH_WRITE_REQUESTS) throw invalid('Too many items requested for the BatchWriteItem call');

    // Values and sizes first, for every table, as DynamoDB does; then tables; then keys.
    const normalized = tableNames.map((name) =>
      requestItems[name]!.map((request) => {
        const put = request.PutRequest;
        const del = request.DeleteRequest;
        if ((put === undefined) === (del === undefined)) throw invalid(MORE_THAN_ONE_TYPE);
        if (put) {
          if (!put.Item) throw invalid("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
          const item = normalizeItem(put.Item);
          if (itemSize(item) > MAX_ITEM_BYTES) throw invalid('Item size has exceeded the maximum allowed size');
          return { request, item, isPut: true };
        }
        if (!del!.Key) throw invalid(NULL_KEY);
        return { request, item: normalizeItem(del!.Key), isPut: false };
      }),
    );
    const tables = tableNames.map((name) => this.#activeTable(name));
    const writes: PlannedWrite[] = [];
    tables.forEach((table, t) => {
      const seen = new Set<string>();
      for (const { request, item, isPut } of normalized[t]!) {
        if (isPut) table.checkItemKey(item, KEY_SCHEMA_MISMATCH);
        else table.checkKey(item);
        const key = table.keyOf(item);
        if (seen.has(key)) throw invalid('Provided list of item keys contains duplicates');
        seen.add(key);
        writes.push({ table, request, item, key, isPut });
      }
    });
    return writes;
  }

  /** Writes (or deletes) each planned item; returns the write units consumed per table. */
  #apply(writes: readonly PlannedWrite[]): Map<string, number> {
    const units = new Map<string, number>();
    for (const { table, item, key, isPut } of writes) {
      units.set(table.name, (units.get(table.name) ?? 0) + this.#store(table, key, isPut ? item : undefined));
    }
    return units;
  }

  /** Stores an item under its key (undefined: deletes it), counts the write, and returns the write units it took. */
  #store(table: Table, key: string, item: Item | undefined): number {
    const previous = table.items.get(key);
    if (item) table.items.set(key, item);
    else table.items.delete(key);
    this.#counters.recordWrite(table.name, key);
    // A write costs 1 unit per KB of the larger of the item before and after.
    const bytes = Math.max(item ? itemSize(item) : 0, previous ? itemSize(previous) : 0);
    return Math.max(1, Math.ceil(bytes / 1024));
  }

  // --- item commands ------------------------------------------------------------------------------------------

  #putItem(input: PutItemCommandInput): Omit<PutItemCommandOutput, '$metadata'> {
    const name = checkedTableName(input.TableName);
    if (!input.Item) throw invalid("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
    checkExpressionInput(input, 'PutItem', CONDITION_ONLY, ['Expected', 'ConditionalOperator']);
    const item = normalizeItem(input.Item);
    checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD'], 'ReturnValues can only be ALL_OLD or NONE');
    if (itemSize(item) > MAX_ITEM_BYTES) throw invalid('Item size has exceeded the maximum allowed size');
    const { condition } = parseExpressions(input, CONDITION_ONLY, normalizeValue);
    const table = this.#activeTable(name);
    table.checkItemKey(item);
    const key = table.keyOf(item);
    return this.#writeOne('PutItem', () => {
      const previous = table.items.get(key);
      checkCondition(condition, previous, input.ReturnValuesOnConditionCheckFailure);
      const units = this.#store(table, key, item);
      return {
        ...(input.ReturnValues === 'ALL_OLD' && previous ? { Attributes: copyItem(previous) } : {}),
        ...consumedCapacityOfOne(input.ReturnConsumedCapacity, table.name, units),
      };
    });
  }

  #deleteItem(input: DeleteItemCommandInput): Omit<DeleteItemCommandOutput, '$metadata'> {
    const name = checkedTableName(input.TableName);
    if (!input.Key) throw invalid(NULL_KEY);
    checkExpressionInput(input, 'DeleteItem', CONDITION_ONLY, ['Expected', 'ConditionalOperator']);
    const keyItem = normalizeItem(input.Key);
    checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD'], 'Return values set to invalid value');
    const { condition } = parseExpressions(input, CONDITION_ONLY, normalizeValue);
    const table = this.#activeTable(name);
    table.checkKey(keyItem);
    const key = table.keyOf(keyItem);
    return this.#writeOne('DeleteItem', () => {
      const previous = table.items.get(key);
      checkCondition(condition, previous, input.ReturnValuesOnConditionCheckFailure);
      const units = this.#store(table, key, undefined);
      return {
        ...(input.ReturnValues === 'ALL_OLD' && previous ? { Attributes: copyItem(previous) } : {}),
        ...consumedCapacityOfOne(input.ReturnConsumedCapacity, table.name, units),
      };
    });
  }

  /** UpdateItem: applies the UpdateExpression to the stored item, or creates the item from its key when there is none. */
  #updateItem(input: UpdateItemCommandInput): Omit<UpdateItemCommandOutput, '$metadata'> {
    const name = checkedTableName(input.TableName);
    if (!input.Key) throw invalid(NULL_KEY);
    checkExpressionInput(input, 'UpdateItem', UPDATE_AND_CONDITION, ['AttributeUpdates', 'Expected', 'ConditionalOperator']);
    const keyItem = normalizeItem(input.Key);
    checkReturnValues(input.ReturnValues);
    const { condition, update } = parseExpressions(input, UPDATE_AND_CONDITION, normalizeValue);
    const table = this.#activeTable(name);
    table.checkKey(keyItem);
    for (const [attribute] of update ? updatedPaths(update) : []) {
      if (typeof attribute === 'string' && Object.hasOwn(keyItem, attribute)) {
        throw invalid(`One or more parameter values were invalid: Cannot update attribute ${attribute}. This attribute is part of the key`);
      }
    }
    const key = table.keyOf(keyItem);
    return this.#writeOne('UpdateItem', () => {
      const previous = table.items.get(key);
      checkCondition(condition, previous, input.ReturnValuesOnConditionCheckFailure);
      const base = previous ?? keyItem;
      // Normalized again: arithmetic can take a number out of DynamoDB's range.
      const next = normalizeItem(update ? applyUpdate(update, base) : base);
      if (itemSize(next) > MAX_ITEM_BYTES) throw invalid('Item size to update has exceeded the maximum allowed size');
      table.checkItemKey(next);
      const units = this.#store(table, key, next);
      return {
        ...updateReturnValues(input.ReturnValues, previous, next, update),
        ...consumedCapacityOfOne(input.ReturnConsumedCapacity, table.name, units),
      };
    });
  }

  /**
   * Runs a validated single-item write with the faults its call draws: a scripted one first (thrown instead of the
   * write, or after it with `afterWrite`), else a random one by the rates. Faults come before the condition is
   * checked, as DynamoDB throttles a request before it reads the item.
   */
  #writeOne<T>(operation: 'PutItem' | 'DeleteItem' | 'UpdateItem', write: () => T): T {
    const scripted = this.#takeScripted(operation);
    if (scripted && 'error' in scripted) {
      if (scripted.afterWrite) {
        try {
          write();
        } catch {
          // The client never sees this answer (a failed condition, say): the scripted error replaces it.
        }
      }
      throw scriptedError(scripted);
    }
    const fault = this.#randomFault(operation);
    if (fault) throw fault;
    return write();
  }

  /**
   * Whether this call is throttled or fails with a 500. Draws the same numbers whatever the rates and operations,
   * so changing one does not reshuffle the rest (and batch-only tests see the faults they saw before).
   */
  #randomFault(operation: FakeWriteOperation): Refusal | undefined {
    const throttled = this.#faultDraws() < this.options.throttleRate;
    const failed = this.#faultDraws() < this.options.serverErrorRate;
    if (!this.options.faultyOperations.includes(operation)) return undefined;
    if (throttled) return refusal('ProvisionedThroughputExceededException');
    if (failed) return refusal('InternalServerError');
    return undefined;
  }

  #getItem(input: GetItemCommandInput): Omit<GetItemCommandOutput, '$metadata'> {
    refuseUnsupported(input, ['ProjectionExpression', 'AttributesToGet'], 'GetItem');
    const name = checkedTableName(input.TableName);
    if (!input.Key) throw invalid(NULL_KEY);
    const key = normalizeItem(input.Key);
    const table = this.#activeTable(name);
    table.checkKey(key);
    const item = table.items.get(table.keyOf(key));
    return item ? { Item: copyItem(item) } : {};
  }

  #scan(input: ScanCommandInput): Omit<ScanCommandOutput, '$metadata'> {
    refuseUnsupported(input, ['FilterExpression', 'ScanFilter', 'ProjectionExpression', 'AttributesToGet', 'Segment', 'IndexName'], 'Scan');
    const name = checkedTableName(input.TableName);
    const table = this.#activeTable(name);
    let items = table.sortedItems();
    if (input.ExclusiveStartKey) {
      const start = normalizeItem(input.ExclusiveStartKey);
      table.checkKey(start);
      items = items.filter((item) => table.compareItems(item, start) > 0);
    }
    const limited = input.Limit !== undefined && items.length > input.Limit;
    const page = limited ? items.slice(0, input.Limit) : items;
    const last = page.at(-1);
    return {
      Items: page.map(copyItem),
      Count: page.length,
      ScannedCount: page.length,
      ...(limited && last ? { LastEvaluatedKey: table.keyAttributes(last) } : {}),
    };
  }

  // --- table commands -----------------------------------------------------------------------------------------

  #createTableCommand(input: CreateTableCommandInput): Omit<CreateTableCommandOutput, '$metadata'> {
    const table = this.#createTable(input, this.options.createTableMs);
    // DynamoDB always answers CreateTable with CREATING, even when the table is ready a moment later.
    return { TableDescription: { ...table.describe(), TableStatus: 'CREATING' } };
  }

  #createTable(input: CreateTableCommandInput, creatingForMs: number): Table {
    const name = checkedTableName(input.TableName);
    if (this.#tables.has(name)) throw refusal('ResourceInUseException', `Table already exists: ${name}`);
    const keySchema = input.KeySchema ?? [];
    const definitions = input.AttributeDefinitions ?? [];
    const hash = keySchema[0];
    const range = keySchema[1];
    if (keySchema.length === 0 || keySchema.length > 2 || hash?.KeyType !== 'HASH' || (range && range.KeyType !== 'RANGE')) {
      throw invalid('1 validation error detected: Value null at \'keySchema\' failed to satisfy constraint: Member must have a HASH key and at most one RANGE key');
    }
    const typeOf = (attribute: string | undefined) => definitions.find((definition) => definition.AttributeName === attribute)?.AttributeType;
    const keyNames = keySchema.map((key) => key.AttributeName ?? '');
    if (keyNames.some((attribute) => typeOf(attribute) === undefined)) {
      throw invalid(
        'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. ' +
          `Keys: [${keyNames.join(', ')}], AttributeDefinitions: [${definitions.map((d) => d.AttributeName).join(', ')}]`,
      );
    }
    const indexed = new Set([
      ...keyNames,
      ...[...(input.GlobalSecondaryIndexes ?? []), ...(input.LocalSecondaryIndexes ?? [])].flatMap((index) => (index.KeySchema ?? []).map((key) => key.AttributeName)),
    ]);
    if (definitions.some((definition) => !indexed.has(definition.AttributeName))) {
      throw invalid(
        'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
      );
    }
    const billingMode = input.BillingMode ?? 'PROVISIONED';
    const throughput = input.ProvisionedThroughput;
    if (billingMode === 'PROVISIONED' && (throughput?.ReadCapacityUnits === undefined || throughput.WriteCapacityUnits === undefined)) {
      throw invalid('One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
    }
    if (billingMode === 'PAY_PER_REQUEST' && throughput) {
      throw invalid('One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
    }
    const now = Date.now();
    const indexKeys = [...(input.GlobalSecondaryIndexes ?? []), ...(input.LocalSecondaryIndexes ?? [])].flatMap((index) =>
      (index.KeySchema ?? [])
        .filter((key) => !keyNames.includes(key.AttributeName ?? ''))
        .map((key) => ({ name: key.AttributeName!, type: typeOf(key.AttributeName)!, index: index.IndexName ?? '' })),
    );
    const table = new Table(name, {
      partition: { name: hash.AttributeName!, type: typeOf(hash.AttributeName)! },
      sort: range ? { name: range.AttributeName!, type: typeOf(range.AttributeName)! } : undefined,
      indexKeys,
      input,
      createdAt: now,
      activeAt: now + creatingForMs,
      tableId: uuidFrom(this.#idDraws),
    });
    this.#tables.set(name, table);
    return table;
  }

  #describeTable(input: DescribeTableCommandInput): Omit<DescribeTableCommandOutput, '$metadata'> {
    return { Table: this.#existingTable(input.TableName).describe() };
  }

  #deleteTable(input: DeleteTableCommandInput): Omit<DeleteTableCommandOutput, '$metadata'> {
    const table = this.#existingTable(input.TableName);
    this.#tables.delete(table.name);
    return { TableDescription: { ...table.describe(), TableStatus: 'DELETING' } };
  }

  #updateTimeToLive(input: UpdateTimeToLiveCommandInput): Omit<UpdateTimeToLiveCommandOutput, '$metadata'> {
    const table = this.#existingTable(input.TableName);
    const enable = input.TimeToLiveSpecification?.Enabled;
    const attribute = input.TimeToLiveSpecification?.AttributeName;
    if (enable === undefined || !attribute) {
      throw invalid("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
    }
    if (table.ttlAttribute !== undefined && table.ttlAttribute !== attribute) throw invalid('TimeToLive is active on a different AttributeName');
    if (enable && table.ttlAttribute !== undefined) throw invalid('TimeToLive is already enabled');
    if (!enable && table.ttlAttribute === undefined) throw invalid('TimeToLive is already disabled');
    table.ttlAttribute = enable ? attribute : undefined;
    return { TimeToLiveSpecification: { Enabled: enable, AttributeName: attribute } };
  }

  #describeTimeToLive(input: DescribeTimeToLiveCommandInput): Omit<DescribeTimeToLiveCommandOutput, '$metadata'> {
    const table = this.#existingTable(input.TableName);
    return {
      TimeToLiveDescription:
        table.ttlAttribute === undefined ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'ENABLED', AttributeName: table.ttlAttribute },
    };
  }

  #listTables(input: ListTablesCommandInput): Omit<ListTablesCommandOutput, '$metadata'> {
    const names = [...this.#tables.keys()].sort().filter((name) => input.ExclusiveStartTableName === undefined || name > input.ExclusiveStartTableName);
    const limited = input.Limit !== undefined && names.length > input.Limit;
    const page = limited ? names.slice(0, input.Limit) : names;
    return { TableNames: page, ...(limited ? { LastEvaluatedTableName: page.at(-1) } : {}) };
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  /** A table to read or write: missing or still CREATING reads as "not found", as in DynamoDB. */
  #activeTable(name: string): Table {
    const table = this.#tables.get(name);
    if (!table || table.status() !== 'ACTIVE') throw refusal('ResourceNotFoundException', RESOURCE_NOT_FOUND);
    return table;
  }

  /** A table for control-plane calls, which see CREATING tables too. */
  #existingTable(tableName: string | undefined): Table {
    const name = checkedTableName(tableName);
    const table = this.#tables.get(name);
    if (!table) throw refusal('ResourceNotFoundException', `${RESOURCE_NOT_FOUND}: Table: ${name} not found`);
    return table;
  }

  #takeScripted(operation: FakeOperation): ScriptedFault | undefined {
    const index = this.#scripted.findIndex((fault) => (fault.operation ?? 'BatchWriteItem') === operation);
    return index < 0 ? undefined : this.#scripted.splice(index, 1)[0];
  }

  async #delay(): Promise<void> {
    const ms = this.options.latencyMs + (this.options.jitterMs > 0 ? this.#latencyDraws() * this.options.jitterMs : 0);
    // Always answer asynchronously, like a network call, so concurrent calls overlap; a microtask is enough for that.
    if (ms <= 0) await Promise.resolve();
    else await new Promise((resolve) => setTimeout(resolve, ms));
  }

  #requestId(): string {
    let id = '';
    for (let i = 0; i < 52; i++) id += REQUEST_ID_ALPHABET[Math.floor(this.#idDraws() * REQUEST_ID_ALPHABET.length)];
    return id;
  }

  /** Turns what a handler threw into what the SDK would throw, and counts it. Anything else (a bug, a RangeError) passes as it is. */
  #toThrown(error: unknown, requestId: string): unknown {
    let thrown: unknown = error;
    if (error instanceof Refusal) thrown = serviceException(error, requestId);
    else if (error instanceof ExpressionError) thrown = serviceException(invalid(error.message), requestId);
    else if (error instanceof CustomFault) thrown = error.error;
    else return error;
    const name = (thrown as Error).name;
    this.#counters.errors[name] = (this.#counters.errors[name] ?? 0) + 1;
    return thrown;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------------------------

type Item = Record<string, AttributeValue>;
type ScriptedFaultQueue = ScriptedFault[];

interface KeyAttribute {
  readonly name: string;
  readonly type: ScalarAttributeType;
}

/** One put or delete of a BatchWriteItem, validated and ready to apply. */
interface PlannedWrite {
  readonly table: Table;
  /** As the caller sent it: handed back as is when unprocessed. */
  readonly request: WriteRequest;
  /** The item (or key), numbers in canonical form. */
  readonly item: Item;
  readonly key: string;
  readonly isPut: boolean;
}

const MAX_BATCH_WRITE_REQUESTS = 25;
const WRITE_OPERATIONS: readonly FakeWriteOperation[] = ['BatchWriteItem', 'PutItem', 'DeleteItem', 'UpdateItem'];
const CONDITION_ONLY: readonly ExpressionName[] = ['ConditionExpression'];
const UPDATE_AND_CONDITION: readonly ExpressionName[] = ['UpdateExpression', 'ConditionExpression'];
const RETURN_VALUES = ['ALL_NEW', 'UPDATED_OLD', 'ALL_OLD', 'NONE', 'UPDATED_NEW'] as const;
const NULL_KEY = "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null";
const RESOURCE_NOT_FOUND = 'Requested resource not found';
const KEY_SCHEMA_MISMATCH = 'The provided key element does not match the schema';
const EMPTY_VALUE = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
const MORE_THAN_ONE_TYPE = 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const TABLE_NAME_CONSTRAINTS = [
  'Member must have length less than or equal to 255',
  'Member must have length greater than or equal to 3',
  'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
] as const;
const REQUEST_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

const COMMANDS: ReadonlyArray<readonly [FakeOperation, abstract new (...args: never[]) => unknown]> = [
  ['BatchWriteItem', BatchWriteItemCommand],
  ['CreateTable', CreateTableCommand],
  ['DeleteItem', DeleteItemCommand],
  ['DeleteTable', DeleteTableCommand],
  ['DescribeTable', DescribeTableCommand],
  ['DescribeTimeToLive', DescribeTimeToLiveCommand],
  ['GetItem', GetItemCommand],
  ['ListTables', ListTablesCommand],
  ['PutItem', PutItemCommand],
  ['Scan', ScanCommand],
  ['UpdateItem', UpdateItemCommand],
  ['UpdateTimeToLive', UpdateTimeToLiveCommand],
];

function isWriteOperation(operation: FakeOperation): operation is FakeWriteOperation {
  return (WRITE_OPERATIONS as readonly string[]).includes(operation);
}

function operationOf(command: unknown): FakeOperation {
  if (command === null || typeof command !== 'object') {
    throw new TypeError(`FakeDynamoDB.send expects an AWS SDK command, got ${command === null ? 'null' : typeof command}`);
  }
  for (const [operation, commandClass] of COMMANDS) if (command instanceof commandClass) return operation;
  // A second copy of @aws-sdk/client-dynamodb in node_modules has its own classes, with the same names.
  const name: string = command.constructor?.name ?? '';
  const match = COMMANDS.find(([operation]) => `${operation}Command` === name);
  if (match) return match[0];
  throw new Error(
    `FakeDynamoDB does not support ${name || 'this command'}; it supports ${COMMANDS.map(([operation]) => `${operation}Command`).join(', ')}`,
  );
}

/** Parameters the fake does not evaluate: fail loudly rather than answer as if they were not there. */
function refuseUnsupported(input: object, fields: readonly string[], operation: FakeOperation): void {
  const used = fields.find((field) => (input as Record<string, unknown>)[field] !== undefined);
  if (used) throw new Error(`FakeDynamoDB does not support ${used} in ${operation}`);
}

/** DynamoDB's first checks on the expression parameters; the legacy parameters (`Expected`, ...) the fake refuses. */
function checkExpressionInput(input: object, operation: FakeOperation, accepted: readonly ExpressionName[], legacy: readonly string[]): void {
  checkExpressionParameters(input as Record<string, unknown>, accepted, legacy);
  refuseUnsupported(input, legacy, operation);
}

/** ReturnValues: one of DynamoDB's five, and one the operation takes (`message` says which when not). */
function checkReturnValues(value: string | undefined, allowed: readonly string[] = RETURN_VALUES, message = ''): void {
  if (value === undefined) return;
  if (!(RETURN_VALUES as readonly string[]).includes(value)) {
    throw invalid(
      `1 validation error detected: Value '${value}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [${RETURN_VALUES.join(', ')}]`,
    );
  }
  if (!allowed.includes(value)) throw invalid(message);
}

/** Throws DynamoDB's ConditionalCheckFailedException unless the stored item (undefined: none) meets the condition. */
function checkCondition(condition: Condition | undefined, item: Item | undefined, returnOnFailure: string | undefined): void {
  if (!condition || evaluateCondition(condition, item)) return;
  // ReturnValuesOnConditionCheckFailure: ALL_OLD puts the stored item on the exception, as `Item`.
  throw refusal('ConditionalCheckFailedException', undefined, returnOnFailure === 'ALL_OLD' && item ? { Item: copyItem(item) } : {});
}

/**
 * UpdateItem's `Attributes`. UPDATED_OLD and UPDATED_NEW hold, whole, each top-level attribute the update set, added
 * to, deleted from or removed something from (`SET m.x = :v` returns all of `m`), as DynamoDB Local answers; a REMOVE
 * of nothing does not count, and an update with none of them leaves `Attributes` out.
 */
function updateReturnValues(mode: string | undefined, previous: Item | undefined, next: Item, update: UpdateActions | undefined): { Attributes?: Item } {
  if (mode === 'ALL_NEW') return { Attributes: copyItem(next) };
  if (mode === 'ALL_OLD') return previous ? { Attributes: copyItem(previous) } : {};
  if ((mode !== 'UPDATED_OLD' && mode !== 'UPDATED_NEW') || !update) return {};
  const removed = update.remove.filter((path) => previous !== undefined && resolvePath(previous, path) !== undefined);
  const written = [...update.set, ...update.add, ...update.delete].map((action) => action.path);
  const source = mode === 'UPDATED_OLD' ? previous : next;
  const attributes: Item = {};
  for (const [name] of [...written, ...removed]) {
    if (typeof name === 'string' && source && Object.hasOwn(source, name)) attributes[name] = structuredClone(source[name]!);
  }
  return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
}

function checkSettings(settings: FakeDynamoDBSettings): void {
  for (const name of ['unprocessedRate', 'throttleRate', 'serverErrorRate'] as const) {
    const rate = settings[name];
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`FakeDynamoDB: ${name} must be between 0 and 1, got ${rate}`);
  }
  const notWrites = settings.faultyOperations.filter((operation) => !isWriteOperation(operation));
  if (notWrites.length > 0) {
    throw new RangeError(`FakeDynamoDB: faultyOperations takes ${WRITE_OPERATIONS.join(', ')}; got ${notWrites.join(', ')}`);
  }
  for (const name of ['latencyMs', 'jitterMs', 'createTableMs'] as const) {
    const ms = settings[name];
    if (!(ms >= 0 && Number.isFinite(ms))) throw new RangeError(`FakeDynamoDB: ${name} must be a finite number >= 0, got ${ms}`);
  }
}

// --- errors -------------------------------------------------------------------------------------------------------

type ServiceErrorName = FakeErrorName | 'ResourceInUseException';
type ExceptionClass = new (options: { $metadata: DynamoDBServiceException['$metadata']; message: string }) => DynamoDBServiceException;

interface ErrorSpec {
  readonly status: number;
  readonly fault: 'client' | 'server';
  /** The `__type` DynamoDB sends, which the SDK keeps on the exception. */
  readonly type: string;
  readonly message: string;
  /** The SDK's own class, where it exports one; else a `DynamoDBServiceException` named after the error. */
  readonly exception?: ExceptionClass;
}

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810';
const ERROR_SPECS: Record<ServiceErrorName, ErrorSpec> = {
  ProvisionedThroughputExceededException: {
    status: 400,
    fault: 'client',
    type: `${DYNAMODB}#ProvisionedThroughputExceededException`,
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    exception: ProvisionedThroughputExceededException,
  },
  ThrottlingException: {
    status: 400,
    fault: 'client',
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
    exception: ThrottlingException,
  },
  RequestLimitExceeded: {
    status: 400,
    fault: 'client',
    type: `${DYNAMODB}#RequestLimitExceeded`,
    message:
      'Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
    exception: RequestLimitExceeded,
  },
  InternalServerError: {
    status: 500,
    fault: 'server',
    type: `${DYNAMODB}#InternalServerError`,
    message: 'Internal server error',
    exception: InternalServerError,
  },
  ServiceUnavailable: {
    status: 503,
    fault: 'server',
    type: 'com.amazon.coral.availability#ServiceUnavailableException',
    message: 'Service Unavailable',
  },
  ValidationException: {
    status: 400,
    fault: 'client',
    type: 'com.amazon.coral.validate#ValidationException',
    message: 'One or more parameter values were invalid',
  },
  ResourceNotFoundException: {
    status: 400,
    fault: 'client',
    type: `${DYNAMODB}#ResourceNotFoundException`,
    message: RESOURCE_NOT_FOUND,
    exception: ResourceNotFoundException,
  },
  ResourceInUseException: {
    status: 400,
    fault: 'client',
    type: `${DYNAMODB}#ResourceInUseException`,
    message: 'Resource in use',
    exception: ResourceInUseException,
  },
  AccessDeniedException: {
    status: 400,
    fault: 'client',
    type: 'com.amazon.coral.service#AccessDeniedException',
    message: `User: arn:aws:iam::${ACCOUNT}:user/fake is not authorized to perform this action`,
  },
  UnrecognizedClientException: {
    status: 400,
    fault: 'client',
    type: 'com.amazon.coral.service#UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  ConditionalCheckFailedException: {
    status: 400,
    fault: 'client',
    type: `${DYNAMODB}#ConditionalCheckFailedException`,
    message: 'The conditional request failed',
    exception: ConditionalCheckFailedException,
  },
};

/** DynamoDB refused the call; becomes the SDK's exception once the request id is known. */
class Refusal extends Error {
  constructor(
    readonly errorName: ServiceErrorName,
    message: string,
    /** Fields of the exception beyond its message, e.g. the `Item` of a ConditionalCheckFailedException. */
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A scripted `Error` to throw as it is. */
class CustomFault extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

function refusal(name: ServiceErrorName, message = ERROR_SPECS[name].message, fields: Readonly<Record<string, unknown>> = {}): Refusal {
  return new Refusal(name, message, fields);
}

function invalid(message: string): Refusal {
  return new Refusal('ValidationException', message);
}

function scriptedError(fault: Extract<ScriptedFault, { error: unknown }>): Refusal | CustomFault {
  return fault.error instanceof Error ? new CustomFault(fault.error) : refusal(fault.error, fault.message);
}

function serviceException(refused: Refusal, requestId: string): DynamoDBServiceException {
  const spec = ERROR_SPECS[refused.errorName];
  const $metadata = metadata(spec.status, requestId);
  const exception = spec.exception
    ? new spec.exception({ $metadata, message: refused.message })
    : new DynamoDBServiceException({ name: refused.errorName, $fault: spec.fault, $metadata, message: refused.message });
  return Object.assign(exception, { __type: spec.type }, refused.fields);
}

function metadata(httpStatusCode: number, requestId: string): DynamoDBServiceException['$metadata'] {
  return { httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 };
}

// --- table names --------------------------------------------------------------------------------------------------

function tableNameConstraints(name: string): string[] {
  const failed: string[] = [];
  if (name.length > 255) failed.push(TABLE_NAME_CONSTRAINTS[0]);
  if (name.length < 3) failed.push(TABLE_NAME_CONSTRAINTS[1]);
  if (!TABLE_NAME_PATTERN.test(name)) failed.push(TABLE_NAME_CONSTRAINTS[2]);
  return failed;
}

/** The table name, or the validation error DynamoDB's request validation gives for it. */
function checkedTableName(name: string | undefined): string {
  if (name === undefined || name === null) {
    throw invalid("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  }
  const failed = tableNameConstraints(name);
  if (failed.length === 0) return name;
  const plural = failed.length === 1 ? 'error' : 'errors';
  throw invalid(
    `${failed.length} validation ${plural} detected: ` +
      failed.map((constraint) => `Value '${name}' at 'tableName' failed to satisfy constraint: ${constraint}`).join('; '),
  );
}

// --- attribute values -----------------------------------------------------------------------------------------------

/** Validates an item (or key) as DynamoDB does and returns a copy with numbers in canonical form. */
function normalizeItem(item: Item): Item {
  const normalized: Item = {};
  for (const [name, value] of Object.entries(item)) {
    // The SDK leaves out attributes whose value is undefined; so do we.
    if (value !== undefined) normalized[name] = normalizeValue(value);
  }
  return normalized;
}

function normalizeValue(value: AttributeValue): AttributeValue {
  if (value === null || typeof value !== 'object') throw invalid(EMPTY_VALUE);
  const v = members(value);
  const types = Object.keys(v).filter((type) => v[type] !== undefined);
  if (types.length === 0) throw invalid(EMPTY_VALUE);
  if (types.length > 1) throw invalid(MORE_THAN_ONE_TYPE);
  switch (types[0]) {
    case 'S':
      return { S: String(v.S) };
    case 'N':
      return { N: canonicalNumber(v.N) };
    case 'B':
      return { B: bytes(v.B) };
    case 'BOOL':
      return { BOOL: Boolean(v.BOOL) };
    case 'NULL':
      if (v.NULL !== true) throw invalid('One or more parameter values were invalid: Null attribute value types must have the value of true');
      return { NULL: true };
    case 'SS': {
      const set = (v.SS as unknown[]).map(String);
      if (set.length === 0) throw invalid('One or more parameter values were invalid: An string set  may not be empty');
      if (new Set(set).size !== set.length) {
        throw invalid(`One or more parameter values were invalid: Input collection [${set.join(', ')}] contains duplicates.`);
      }
      return { SS: set };
    }
    case 'NS': {
      const set = (v.NS as unknown[]).map(canonicalNumber);
      if (set.length === 0) throw invalid('One or more parameter values were invalid: An number set  may not be empty');
      if (new Set(set).size !== set.length) throw invalid('Input collection contains duplicates');
      return { NS: set };
    }
    case 'BS': {
      const set = (v.BS as unknown[]).map(bytes);
      if (set.length === 0) throw invalid('One or more parameter values were invalid: Binary sets should not be empty');
      const encoded = set.map(base64);
      if (new Set(encoded).size !== set.length) {
        throw invalid(`One or more parameter values were invalid: Input collection [${encoded.join(', ')}]of type BS contains duplicates.`);
      }
      return { BS: set };
    }
    case 'L':
      return { L: (v.L as AttributeValue[]).map(normalizeValue) };
    case 'M':
      return { M: normalizeItem(v.M as Item) };
    default:
      // `$unknown` or a misspelt type: none of the supported datatypes is set.
      throw invalid(EMPTY_VALUE);
  }
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'string') return new TextEncoder().encode(value);
  throw invalid(EMPTY_VALUE);
}

function base64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

const NUMBER_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A DynamoDB number in the canonical form DynamoDB stores and returns (`"001.50"` -> `"1.5"`, `"1E+3"` -> `"1000"`),
 * or DynamoDB's ValidationException for it: not a number (NaN, Infinity, ''), over 38 significant digits, or out of range.
 */
function canonicalNumber(text: unknown): string {
  if (text === '' || text === undefined || text === null) throw invalid('The parameter cannot be converted to a numeric value');
  const match = typeof text === 'string' ? NUMBER_SYNTAX.exec(text) : null;
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw invalid(`The parameter cannot be converted to a numeric value: ${String(text)}`);
  const [, sign, integerPart = '', fractionPart = '', exponentPart = '0'] = match;
  // value = digits x 10^scale, with no leading or trailing zeros in digits
  let digits = (integerPart + fractionPart).replace(/^0+/, '');
  let scale = Number(exponentPart) - fractionPart.length;
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailingZeros);
  scale += trailingZeros;
  if (digits === '') return '0';
  const magnitude = scale + digits.length - 1; // the power of ten of the first significant digit
  if (magnitude > 125) throw invalid('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (magnitude < -130) throw invalid('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  if (digits.length > 38) throw invalid('Attempting to store more than 38 significant digits in a Number');
  let plain: string;
  if (scale >= 0) plain = digits + '0'.repeat(scale);
  else if (-scale < digits.length) plain = `${digits.slice(0, scale)}.${digits.slice(scale)}`;
  else plain = `0.${'0'.repeat(-scale - digits.length)}${digits}`;
  return sign === '-' ? `-${plain}` : plain;
}

/** An AttributeValue as the plain object it is at run time (its type is a union of one-member shapes). */
function members(value: AttributeValue): Record<string, unknown> {
  return value as unknown as Record<string, unknown>;
}

function copyItem(item: Item): Item {
  return structuredClone(item);
}

// --- tables ---------------------------------------------------------------------------------------------------------

interface TableSpec {
  readonly partition: KeyAttribute;
  readonly sort: KeyAttribute | undefined;
  /** Key attributes of secondary indexes (other than the table's own), with the index each belongs to. */
  readonly indexKeys: readonly (KeyAttribute & { readonly index: string })[];
  readonly input: CreateTableCommandInput;
  readonly createdAt: number;
  readonly activeAt: number;
  readonly tableId: string;
}

/** One table: its schema, its items by key, and its TTL setting. */
class Table {
  readonly items = new Map<string, Item>();
  ttlAttribute: string | undefined;

  constructor(
    readonly name: string,
    private readonly spec: TableSpec,
  ) {}

  status(): 'CREATING' | 'ACTIVE' {
    return Date.now() >= this.spec.activeAt ? 'ACTIVE' : 'CREATING';
  }

  /** Checks the key attributes of a whole item (PutItem, PutRequest). `mismatch` replaces the missing/type messages (BatchWriteItem's wording). */
  checkItemKey(item: Item, mismatch?: string): void {
    for (const attribute of this.#keyAttributes()) {
      const value = item[attribute.name];
      if (value === undefined) throw invalid(mismatch ?? `One or more parameter values were invalid: Missing the key ${attribute.name} in the item`);
      const actual = typeOf(value);
      if (actual !== attribute.type) {
        throw invalid(
          mismatch ?? `One or more parameter values were invalid: Type mismatch for key ${attribute.name} expected: ${attribute.type} actual: ${actual}`,
        );
      }
      this.#checkKeyValue(attribute, value);
    }
    // An item without an index's key attribute is simply not in that index; one with it must fit the index.
    for (const key of this.spec.indexKeys) {
      const value = item[key.name];
      if (value === undefined) continue;
      const actual = typeOf(value);
      if (actual !== key.type) {
        throw invalid(`One or more parameter values were invalid: Type mismatch for Index Key ${key.name} Expected: ${key.type} Actual: ${actual} IndexName: ${key.index}`);
      }
      if (value.S === '' || value.B?.length === 0) {
        throw invalid(
          'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key ' +
            `attribute cannot contain an empty ${value.S === '' ? 'string' : 'binary'} value. IndexName: ${key.index}, IndexKey: ${key.name}`,
        );
      }
    }
  }

  /** Checks a key (GetItem, DeleteRequest): exactly the key attributes, with the right types. */
  checkKey(key: Item): void {
    const attributes = this.#keyAttributes();
    if (Object.keys(key).length !== attributes.length) throw invalid(KEY_SCHEMA_MISMATCH);
    for (const attribute of attributes) {
      const value = key[attribute.name];
      if (value === undefined || typeOf(value) !== attribute.type) throw invalid(KEY_SCHEMA_MISMATCH);
      this.#checkKeyValue(attribute, value);
    }
  }

  /** The item's key as text: see `FakeDynamoDBStats.writesPerKey`. */
  keyOf(item: Item): string {
    const partition = keyText(item[this.spec.partition.name]!);
    return this.spec.sort ? JSON.stringify([partition, keyText(item[this.spec.sort.name]!)]) : partition;
  }

  keyAttributes(item: Item): Item {
    const key: Item = {};
    for (const attribute of this.#keyAttributes()) key[attribute.name] = structuredClone(item[attribute.name]!);
    return key;
  }

  /** DynamoDB's key order: partition key, then sort key; strings and binary by bytes, numbers by value. */
  compareItems(a: Item, b: Item): number {
    for (const attribute of this.#keyAttributes()) {
      const order = compareScalars(attribute.type, a[attribute.name]!, b[attribute.name]!);
      if (order !== 0) return order;
    }
    return 0;
  }

  sortedItems(): Item[] {
    return [...this.items.values()].sort((a, b) => this.compareItems(a, b));
  }

  describe(): TableDescription {
    const { input, createdAt, tableId } = this.spec;
    const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${this.name}`;
    const payPerRequest = input.BillingMode === 'PAY_PER_REQUEST';
    const index = <T extends { IndexName?: string | undefined }>(definition: T) => ({
      ...structuredClone(definition),
      IndexStatus: 'ACTIVE' as const,
      IndexSizeBytes: 0,
      ItemCount: 0,
      IndexArn: `${arn}/index/${definition.IndexName}`,
    });
    let size = 0;
    for (const item of this.items.values()) size += itemSize(item);
    return {
      AttributeDefinitions: structuredClone(input.AttributeDefinitions),
      TableName: this.name,
      KeySchema: structuredClone(input.KeySchema),
      TableStatus: this.status(),
      CreationDateTime: new Date(createdAt),
      ProvisionedThroughput: {
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: input.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
        WriteCapacityUnits: input.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
      },
      TableSizeBytes: size,
      ItemCount: this.items.size,
      TableArn: arn,
      TableId: tableId,
      ...(payPerRequest ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(createdAt) } } : {}),
      ...(input.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.map(index) } : {}),
      ...(input.LocalSecondaryIndexes ? { LocalSecondaryIndexes: input.LocalSecondaryIndexes.map(index) } : {}),
      ...(input.SSESpecification?.Enabled
        ? {
            SSEDescription: {
              Status: 'ENABLED',
              SSEType: 'KMS',
              KMSMasterKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${input.SSESpecification.KMSMasterKeyId ?? 'aws/dynamodb'}`,
            },
          }
        : {}),
      ...(input.StreamSpecification?.StreamEnabled ? { StreamSpecification: structuredClone(input.StreamSpecification) } : {}),
      DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? false,
    };
  }

  #keyAttributes(): KeyAttribute[] {
    return this.spec.sort ? [this.spec.partition, this.spec.sort] : [this.spec.partition];
  }

  #checkKeyValue(attribute: KeyAttribute, value: AttributeValue): void {
    const isPartition = attribute === this.spec.partition;
    const length = value.S !== undefined ? Buffer.byteLength(value.S) : value.B !== undefined ? value.B.length : undefined;
    if (length === 0) {
      throw invalid(
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ' +
          `${value.S !== undefined ? 'string' : 'binary'} value. Key: ${attribute.name}`,
      );
    }
    if (isPartition && length !== undefined && length > MAX_PARTITION_KEY_BYTES) {
      throw invalid('One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
    }
    if (!isPartition && length !== undefined && length > MAX_SORT_KEY_BYTES) {
      throw invalid('One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
    }
  }
}

function keyText(value: AttributeValue): string {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  return base64(value.B!);
}

// --- capacity -------------------------------------------------------------------------------------------------------

function consumedCapacity(mode: string | undefined, units: Map<string, number>): { ConsumedCapacity?: ConsumedCapacity[] } {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return {};
  return {
    ConsumedCapacity: [...units].map(([TableName, CapacityUnits]) => ({
      TableName,
      CapacityUnits,
      ...(mode === 'INDEXES' ? { Table: { CapacityUnits } } : {}),
    })),
  };
}

function consumedCapacityOfOne(mode: string | undefined, tableName: string, units: number): { ConsumedCapacity?: ConsumedCapacity } {
  const [first] = consumedCapacity(mode, new Map([[tableName, units]])).ConsumedCapacity ?? [];
  return first ? { ConsumedCapacity: first } : {};
}

// --- stats ----------------------------------------------------------------------------------------------------------

class Counters implements FakeDynamoDBStats {
  batchWriteCalls = 0;
  itemWriteCalls = 0;
  itemsWritten = 0;
  unprocessedItems = 0;
  inFlight = 0;
  peakInFlight = 0;
  itemWritesInFlight = 0;
  peakItemWritesInFlight = 0;
  writesInFlight = 0;
  peakWritesInFlight = 0;
  readonly calls: Partial<Record<FakeOperation, number>> = {};
  readonly errors: Record<string, number> = {};
  readonly #writes = new Map<string, Map<string, number>>();

  startWrite(operation: FakeWriteOperation): void {
    if (operation === 'BatchWriteItem') {
      this.batchWriteCalls++;
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    } else {
      this.itemWriteCalls++;
      this.itemWritesInFlight++;
      this.peakItemWritesInFlight = Math.max(this.peakItemWritesInFlight, this.itemWritesInFlight);
    }
    this.writesInFlight++;
    this.peakWritesInFlight = Math.max(this.peakWritesInFlight, this.writesInFlight);
  }

  endWrite(operation: FakeWriteOperation): void {
    if (operation === 'BatchWriteItem') this.inFlight--;
    else this.itemWritesInFlight--;
    this.writesInFlight--;
  }

  recordWrite(tableName: string, key: string): void {
    let perKey = this.#writes.get(tableName);
    if (!perKey) this.#writes.set(tableName, (perKey = new Map()));
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    this.itemsWritten++;
  }

  writesPerKey(tableName: string): Map<string, number> {
    return new Map(this.#writes.get(tableName));
  }
}

// --- randomness -----------------------------------------------------------------------------------------------------

function uuidFrom(draws: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(draws() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

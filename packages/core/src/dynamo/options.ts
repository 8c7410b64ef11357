import type { DynamoDBClient, DynamoDBClientConfig, ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../errors.js';
import type { SinkRecord } from '../sink.js';
import type { SinkEvents } from './events.js';
import type { TimestampUnit } from './timestamp.js';

/** What `DynamoSink` needs of a client: `DynamoDBClient` has it, and so does `FakeDynamoDB` from `@dynamo-sink/core/testing`. */
export interface DynamoClientLike {
  send(command: any): Promise<any>;
}

/** Backoff between retries: exponential with full jitter, each delay drawn from [0, min(maxTimeout, minTimeout * factor^attempt)]. */
export interface RetryOptions {
  /** @default 50 */
  readonly minTimeout?: number;
  /** @default 5_000 */
  readonly maxTimeout?: number;
  /** @default 2 */
  readonly factor?: number;
}

export interface CreateTableOptions {
  /** @default 'PAY_PER_REQUEST' */
  readonly billingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  /** For PROVISIONED only. @default { read: 5, write: 5 } */
  readonly provisionedThroughput?: { readonly read: number; readonly write: number };
  /**
   * Server-side encryption. DynamoDB always encrypts at rest with an AWS owned key; `true` uses the AWS managed KMS key
   * (what the Python sample did), `{ kmsKeyId }` a customer managed one.
   * @default false
   */
  readonly sse?: boolean | { readonly kmsKeyId: string };
  /** An attribute holding epoch seconds after which DynamoDB deletes the item. */
  readonly ttlAttribute?: string;
  /** How long to wait for the new table to become ACTIVE. @default 120_000 */
  readonly activeTimeoutMs?: number;
}

/** An item attribute set to the record's time (epoch seconds) plus `afterSeconds`, after which DynamoDB deletes the item. */
export interface TtlOptions {
  readonly attribute: string;
  readonly afterSeconds: number;
}

/** What of a record's value becomes the item. */
export interface AttributeOptions<V = unknown> {
  /** Only these top-level fields of the value become attributes (key attributes are always written). */
  readonly include?: readonly string[];
  /** These top-level fields of the value are left out (key attributes are always written). */
  readonly exclude?: readonly string[];
  /**
   * Builds the value the item is made from, for anything `include`/`exclude` cannot say (flatten, rename, compute).
   * Runs first: key specs, `versionField` and `include`/`exclude` read its result. Not called for tombstones (value
   * null). A throw fails that record alone as `invalid-value`.
   */
  readonly transform?: (record: SinkRecord<V>) => unknown;
}

/** How requests reach DynamoDB: sent by the sink itself, or through the SDK client's `send`. */
export type TransportKind = 'sdk' | 'direct';

/** How records are written: whole items or the attributes they carry. */
export type WriteMode = 'put' | 'update';
/** What a delete leaves behind: nothing, or a tombstone item that no older write can overwrite. */
export type DeleteMode = 'hard' | 'tombstone';

export interface DynamoSinkOptions<V = unknown> {
  /**
   * The table to write to, or a function that picks one per record (e.g. a table per topic). Every table gets the same
   * key specs; with `createTable` each missing table is created once. A name DynamoDB cannot accept fails that record
   * alone as `invalid-key`.
   */
  readonly tableName: string | ((record: SinkRecord<V>) => string);
  /**
   * The partition key, as a key spec: `name` copies that field of the record's value;
   * `name|pattern` formats the record's timestamp with a Python strftime pattern, e.g. `year_month|%Y-%m`;
   * `name=SOURCE` takes it from the record: `key`, `key.PATH`, `value.PATH`, `topic`, `partition`, `offset`, `header.NAME`.
   */
  readonly partitionKey: string;
  /** The sort key, as a key spec (see `partitionKey`). Leave out for a table without one. */
  readonly sortKey?: string;
  /** A client to use as it is. Give this or `clientConfig`. */
  readonly client?: DynamoClientLike | DynamoDBClient;
  /** Config for a client the sink creates (and destroys on `close`), with keep-alive sockets for `maxInFlight` and the SDK's own retries off. */
  readonly clientConfig?: DynamoDBClientConfig;
  /**
   * How requests reach DynamoDB. `'direct'`: the sink sends DynamoDB's JSON protocol itself (signed with SigV4 over
   * keep-alive connections), taking credentials, region and endpoint from the `DynamoDBClient`'s config; about a
   * quarter of the SDK's CPU per request. `'sdk'`: through `client.send`, so your middleware, tracing and logging stay
   * in the path (and any `{ send }` client works, such as `FakeDynamoDB`).
   * @default 'direct' when the sink creates its client (`clientConfig`), 'sdk' when you give a `client`
   */
  readonly transport?: TransportKind;
  /** IANA time zone for `name|pattern` keys. @default 'UTC' */
  readonly timeZone?: string;
  /** The value's field holding the timestamp; when absent from a value, the record's own `timestamp` is used. @default 'timestamp' */
  readonly timestampField?: string;
  /** Unit of numeric timestamps; by default read from their magnitude (s, ms, µs, ns). */
  readonly timestampUnit?: TimestampUnit;
  /** BatchWriteItem requests in flight at once. @default 16 */
  readonly maxInFlight?: number;
  /** Retries per record before `write` gives up on it (the Python sample's `max_retry`). @default 5 */
  readonly maxRetries?: number;
  /** Backoff between retries. */
  readonly retry?: RetryOptions;
  /** Create the table when it is missing. @default false */
  readonly createTable?: boolean | CreateTableOptions;
  /** Ask DynamoDB for consumed capacity; it is reported on the `batchWritten` event. @default 'NONE' */
  readonly returnConsumedCapacity?: ReturnConsumedCapacity;
  /** Callbacks for what happens inside the sink: batches written, retries, throttling, failures. */
  readonly events?: SinkEvents;
  /** Sets an expiry attribute on every item: the record's time in epoch seconds plus `afterSeconds`. */
  readonly ttl?: TtlOptions;
  /** What of the value becomes the item: `include` or `exclude` top-level fields, or `transform` the record. */
  readonly attributes?: AttributeOptions<V>;
  /**
   * Which records delete their item (from the key attributes alone). Only the key specs, the version and the
   * timestamp are read from a delete.
   * @default record.value === null (a Kafka tombstone)
   */
  readonly deleteWhen?: (record: SinkRecord<V>) => boolean;
  /**
   * Guards every write with a version: a record is applied only when the table holds no item for its key, or the
   * stored version is lower (equal: the stored item wins). A numeric field of the value, or `'@timestamp'` for the
   * record's time in epoch nanoseconds. Guarded writes are single-item calls (BatchWriteItem has no conditions); a
   * record that loses counts in `stale`.
   */
  readonly versionField?: string;
  /** The item attribute that holds the version. @default versionField, or 'version' when versionField is '@timestamp' */
  readonly versionAttribute?: string;
  /**
   * `'hard'` deletes the item (and its version: an older record replayed later brings the item back);
   * `'tombstone'` (needs `versionField`) replaces it with a tombstone item, the key attributes, the version and
   * `tombstoneAttribute: true`, which no older write can overwrite (it expires through `ttl` when set).
   * @default 'hard'
   */
  readonly deleteMode?: DeleteMode;
  /** The attribute marking a tombstone item. @default 'deleted' */
  readonly tombstoneAttribute?: string;
  /**
   * `'put'` writes the whole item, replacing what was stored; `'update'` sets the attributes the record carries and
   * leaves the others (UpdateItem, one call per record), creating the item when missing.
   * @default 'put'
   */
  readonly writeMode?: WriteMode;
}

/** `CreateTableOptions` with defaults filled in; the two without a default stay optional. */
export type ResolvedCreateTable = Required<Omit<CreateTableOptions, 'ttlAttribute' | 'provisionedThroughput'>> &
  Pick<CreateTableOptions, 'ttlAttribute' | 'provisionedThroughput'>;

/** Options with every default filled in, validated. */
export interface ResolvedOptions {
  readonly tableName: string | ((record: SinkRecord<any>) => string);
  readonly partitionKey: string;
  readonly sortKey: string | undefined;
  readonly timeZone: string;
  readonly timestampField: string;
  readonly timestampUnit: TimestampUnit | undefined;
  readonly transport: TransportKind;
  readonly maxInFlight: number;
  readonly maxRetries: number;
  readonly retry: Required<RetryOptions>;
  /** Present when the sink may create the table. */
  readonly createTable: ResolvedCreateTable | undefined;
  readonly returnConsumedCapacity: ReturnConsumedCapacity;
  readonly events: SinkEvents;
  readonly ttl: TtlOptions | undefined;
  readonly include: ReadonlySet<string> | undefined;
  readonly exclude: ReadonlySet<string> | undefined;
  readonly transform: ((record: SinkRecord<any>) => unknown) | undefined;
  readonly deleteWhen: ((record: SinkRecord<any>) => boolean) | undefined;
  /** Set when writes are version-guarded. */
  readonly version: { readonly field: string; readonly attribute: string } | undefined;
  readonly deleteMode: DeleteMode;
  readonly tombstoneAttribute: string;
  readonly writeMode: WriteMode;
}

export const DEFAULTS = {
  timeZone: 'UTC',
  timestampField: 'timestamp',
  maxInFlight: 16,
  maxRetries: 5,
  retry: { minTimeout: 50, maxTimeout: 5_000, factor: 2 },
  createTable: { billingMode: 'PAY_PER_REQUEST', sse: false, activeTimeoutMs: 120_000 },
  returnConsumedCapacity: 'NONE',
  deleteMode: 'hard',
  tombstoneAttribute: 'deleted',
  writeMode: 'put',
  timestampVersionAttribute: 'version',
} as const;

/** `versionField` meaning the record's time rather than a field of its value. */
export const TIMESTAMP_VERSION = '@timestamp';

/** DynamoDB's rule for table names. */
export const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
export const TABLE_NAME_RULE = "3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.'";

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`Expected \`${name}\` to be a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`Expected \`${name}\` to be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Fills in defaults and rejects bad values with a message that says what was expected. */
export function resolveOptions<V>(options: DynamoSinkOptions<V>): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected DynamoSink options to be an object');
  if (typeof options.tableName !== 'function' && (typeof options.tableName !== 'string' || !TABLE_NAME.test(options.tableName))) {
    throw new ConfigError(
      `Expected \`tableName\` to be ${TABLE_NAME_RULE}, or a function of the record, got ${JSON.stringify(options.tableName)}`,
    );
  }
  if (typeof options.partitionKey !== 'string') {
    throw new ConfigError(`Expected \`partitionKey\` to be a key spec such as 'id' or 'day|%Y-%m-%d', got ${String(options.partitionKey)}`);
  }
  if (options.sortKey !== undefined && typeof options.sortKey !== 'string') {
    throw new ConfigError(`Expected \`sortKey\` to be a key spec or left out, got ${String(options.sortKey)}`);
  }
  if (options.client && options.clientConfig) {
    throw new ConfigError('Give either `client` or `clientConfig`, not both');
  }
  if (options.client && typeof (options.client as DynamoClientLike).send !== 'function') {
    throw new ConfigError('Expected `client` to have a send(command) method, like DynamoDBClient');
  }
  const units = ['s', 'ms', 'us', 'ns'];
  if (options.timestampUnit !== undefined && !units.includes(options.timestampUnit)) {
    throw new ConfigError(`Expected \`timestampUnit\` to be one of ${units.join(', ')}, got ${String(options.timestampUnit)}`);
  }

  const retry = {
    minTimeout: nonNegative('retry.minTimeout', options.retry?.minTimeout, DEFAULTS.retry.minTimeout),
    maxTimeout: nonNegative('retry.maxTimeout', options.retry?.maxTimeout, DEFAULTS.retry.maxTimeout),
    factor: nonNegative('retry.factor', options.retry?.factor, DEFAULTS.retry.factor),
  };
  if (retry.factor < 1) throw new ConfigError(`Expected \`retry.factor\` to be >= 1, got ${retry.factor}`);

  const createTable = resolveCreateTable(options.createTable, options.ttl);
  return {
    tableName: options.tableName as ResolvedOptions['tableName'],
    partitionKey: options.partitionKey,
    sortKey: options.sortKey === '' ? undefined : options.sortKey,
    timeZone: options.timeZone ?? DEFAULTS.timeZone,
    timestampField: options.timestampField ?? DEFAULTS.timestampField,
    timestampUnit: options.timestampUnit,
    transport: oneOf('transport', options.transport, ['sdk', 'direct'] as const) ?? (options.client ? 'sdk' : 'direct'),
    maxInFlight: wholeNumber('maxInFlight', options.maxInFlight, DEFAULTS.maxInFlight, 1),
    maxRetries: wholeNumber('maxRetries', options.maxRetries, DEFAULTS.maxRetries, 0),
    retry,
    createTable,
    returnConsumedCapacity: options.returnConsumedCapacity ?? DEFAULTS.returnConsumedCapacity,
    events: options.events ?? {},
    ...resolveSemantics(options as DynamoSinkOptions),
  };
}

type Semantics = Pick<
  ResolvedOptions,
  'ttl' | 'include' | 'exclude' | 'transform' | 'deleteWhen' | 'version' | 'deleteMode' | 'tombstoneAttribute' | 'writeMode'
>;

/** The write-semantics options: what each record becomes (put, delete, update; guarded or not). */
function resolveSemantics(options: DynamoSinkOptions): Semantics {
  const { attributes = {}, ttl } = options;
  if (ttl !== undefined) {
    attributeName('ttl.attribute', ttl?.attribute);
    wholeNumber('ttl.afterSeconds', ttl.afterSeconds, 0, 0);
  }
  const include = nameList('attributes.include', attributes.include);
  const exclude = nameList('attributes.exclude', attributes.exclude);
  if (include && exclude) throw new ConfigError('Give `attributes.include` or `attributes.exclude`, not both');
  const writeMode = oneOf('writeMode', options.writeMode, ['put', 'update'] as const) ?? DEFAULTS.writeMode;
  const deleteMode = oneOf('deleteMode', options.deleteMode, ['hard', 'tombstone'] as const) ?? DEFAULTS.deleteMode;
  let version: Semantics['version'];
  if (options.versionField !== undefined) {
    const field = attributeName('versionField', options.versionField);
    const fallback = field === TIMESTAMP_VERSION ? DEFAULTS.timestampVersionAttribute : field;
    version = { field, attribute: options.versionAttribute === undefined ? fallback : attributeName('versionAttribute', options.versionAttribute) };
  } else if (options.versionAttribute !== undefined) {
    throw new ConfigError('`versionAttribute` names where `versionField` is stored: set `versionField` too');
  }
  if (deleteMode === 'tombstone' && !version) {
    throw new ConfigError("`deleteMode: 'tombstone'` keeps a versioned tombstone that older writes cannot overwrite: set `versionField` too");
  }
  return {
    ttl: ttl && { attribute: ttl.attribute, afterSeconds: ttl.afterSeconds },
    include,
    exclude,
    transform: optionalFunction('attributes.transform', attributes.transform),
    deleteWhen: optionalFunction('deleteWhen', options.deleteWhen),
    version,
    deleteMode,
    tombstoneAttribute:
      options.tombstoneAttribute === undefined ? DEFAULTS.tombstoneAttribute : attributeName('tombstoneAttribute', options.tombstoneAttribute),
    writeMode,
  };
}

function attributeName(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`Expected \`${name}\` to be a non-empty attribute name, got ${describe(value)}`);
  return value;
}

function nameList(name: string, value: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new ConfigError(`Expected \`${name}\` to be an array of field names, got ${describe(value)}`);
  }
  return new Set(value);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new ConfigError(`Expected \`${name}\` to be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describe(value)}`);
  return value as T;
}

function optionalFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(`Expected \`${name}\` to be a function or left out, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

function resolveCreateTable(option: DynamoSinkOptions['createTable'], ttl: TtlOptions | undefined): ResolvedCreateTable | undefined {
  if (!option) return undefined;
  const given: CreateTableOptions = option === true ? {} : option;
  if (ttl && given.ttlAttribute !== undefined && given.ttlAttribute !== ttl.attribute) {
    throw new ConfigError(`\`createTable.ttlAttribute\` "${given.ttlAttribute}" differs from \`ttl.attribute\` "${ttl.attribute}"; give one`);
  }
  const billingMode = given.billingMode ?? DEFAULTS.createTable.billingMode;
  if (billingMode !== 'PAY_PER_REQUEST' && billingMode !== 'PROVISIONED') {
    throw new ConfigError(`Expected \`createTable.billingMode\` to be 'PAY_PER_REQUEST' or 'PROVISIONED', got ${String(billingMode)}`);
  }
  return {
    billingMode,
    sse: given.sse ?? DEFAULTS.createTable.sse,
    activeTimeoutMs: nonNegative('createTable.activeTimeoutMs', given.activeTimeoutMs, DEFAULTS.createTable.activeTimeoutMs),
    ttlAttribute: given.ttlAttribute ?? ttl?.attribute,
    provisionedThroughput: given.provisionedThroughput,
  };
}

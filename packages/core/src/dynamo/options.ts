import type { DynamoDBClient, DynamoDBClientConfig, ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../errors.js';
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

export interface DynamoSinkOptions {
  /** The table to write to. */
  readonly tableName: string;
  /**
   * The partition key, as a key spec: `name` copies that field of the record's value;
   * `name|pattern` formats the record's timestamp with a Python strftime pattern, e.g. `year_month|%Y-%m`.
   */
  readonly partitionKey: string;
  /** The sort key, as a key spec (see `partitionKey`). Leave out for a table without one. */
  readonly sortKey?: string;
  /** A client to use as it is. Give this or `clientConfig`. */
  readonly client?: DynamoClientLike | DynamoDBClient;
  /** Config for a client the sink creates (and destroys on `close`), with keep-alive sockets for `maxInFlight` and the SDK's own retries off. */
  readonly clientConfig?: DynamoDBClientConfig;
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
}

/** `CreateTableOptions` with defaults filled in; the two without a default stay optional. */
export type ResolvedCreateTable = Required<Omit<CreateTableOptions, 'ttlAttribute' | 'provisionedThroughput'>> &
  Pick<CreateTableOptions, 'ttlAttribute' | 'provisionedThroughput'>;

/** Options with every default filled in, validated. */
export interface ResolvedOptions {
  readonly tableName: string;
  readonly partitionKey: string;
  readonly sortKey: string | undefined;
  readonly timeZone: string;
  readonly timestampField: string;
  readonly timestampUnit: TimestampUnit | undefined;
  readonly maxInFlight: number;
  readonly maxRetries: number;
  readonly retry: Required<RetryOptions>;
  /** Present when the sink may create the table. */
  readonly createTable: ResolvedCreateTable | undefined;
  readonly returnConsumedCapacity: ReturnConsumedCapacity;
  readonly events: SinkEvents;
}

export const DEFAULTS = {
  timeZone: 'UTC',
  timestampField: 'timestamp',
  maxInFlight: 16,
  maxRetries: 5,
  retry: { minTimeout: 50, maxTimeout: 5_000, factor: 2 },
  createTable: { billingMode: 'PAY_PER_REQUEST', sse: false, activeTimeoutMs: 120_000 },
  returnConsumedCapacity: 'NONE',
} as const;

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

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
export function resolveOptions(options: DynamoSinkOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Expected DynamoSink options to be an object');
  if (typeof options.tableName !== 'string' || !TABLE_NAME.test(options.tableName)) {
    throw new ConfigError(
      `Expected \`tableName\` to be 3-255 characters of a-z, A-Z, 0-9, '_', '-' or '.', got ${JSON.stringify(options.tableName)}`,
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

  return {
    tableName: options.tableName,
    partitionKey: options.partitionKey,
    sortKey: options.sortKey === '' ? undefined : options.sortKey,
    timeZone: options.timeZone ?? DEFAULTS.timeZone,
    timestampField: options.timestampField ?? DEFAULTS.timestampField,
    timestampUnit: options.timestampUnit,
    maxInFlight: wholeNumber('maxInFlight', options.maxInFlight, DEFAULTS.maxInFlight, 1),
    maxRetries: wholeNumber('maxRetries', options.maxRetries, DEFAULTS.maxRetries, 0),
    retry,
    createTable: resolveCreateTable(options.createTable),
    returnConsumedCapacity: options.returnConsumedCapacity ?? DEFAULTS.returnConsumedCapacity,
    events: options.events ?? {},
  };
}

function resolveCreateTable(option: DynamoSinkOptions['createTable']): ResolvedCreateTable | undefined {
  if (!option) return undefined;
  const given: CreateTableOptions = option === true ? {} : option;
  const billingMode = given.billingMode ?? DEFAULTS.createTable.billingMode;
  if (billingMode !== 'PAY_PER_REQUEST' && billingMode !== 'PROVISIONED') {
    throw new ConfigError(`Expected \`createTable.billingMode\` to be 'PAY_PER_REQUEST' or 'PROVISIONED', got ${String(billingMode)}`);
  }
  return {
    billingMode,
    sse: given.sse ?? DEFAULTS.createTable.sse,
    activeTimeoutMs: nonNegative('createTable.activeTimeoutMs', given.activeTimeoutMs, DEFAULTS.createTable.activeTimeoutMs),
    ttlAttribute: given.ttlAttribute,
    provisionedThroughput: given.provisionedThroughput,
  };
}

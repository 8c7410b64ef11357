import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import pRetry, { AbortError } from 'p-retry';
import { ConfigError, SinkError } from '../errors.js';
import { readsTime, type KeySpec, type KeyType } from './key-spec.js';
import { DEFAULTS, type ResolvedOptions } from './options.js';
import type { Transport } from './transport.js';

export interface KeyTypes {
  readonly partitionType: KeyType;
  readonly sortType: KeyType | undefined;
}

const STRING_KEYS = (sort: KeySpec | undefined): KeyTypes => ({ partitionType: 'S', sortType: sort && 'S' });

/**
 * Makes sure the table is there and ACTIVE, creating it when asked, and learns its key types.
 * Without DescribeTable permission (the Python sample's policy grants only BatchWriteItem) it assumes string keys:
 * a wrong guess shows up as ValidationExceptions on the records.
 */
export async function prepareTable(
  client: Transport,
  tableName: string,
  options: Pick<ResolvedOptions, 'createTable'>,
  partition: KeySpec,
  sort: KeySpec | undefined,
): Promise<KeyTypes> {
  let table: TableDescription | undefined;
  try {
    table = await describe(client, tableName);
  } catch (error) {
    if (errorName(error) !== 'AccessDeniedException') throw wrap(error, `DescribeTable on "${tableName}" failed`);
    if (options.createTable) await create(client, tableName, options.createTable, partition, sort, false);
    return STRING_KEYS(sort);
  }

  if (!table) {
    if (!options.createTable) {
      throw new SinkError(`Table "${tableName}" does not exist; create it, or pass createTable: true to let the sink create it`);
    }
    await create(client, tableName, options.createTable, partition, sort, true);
    table = await waitUntilActive(client, tableName, options.createTable.activeTimeoutMs);
  } else if (table.TableStatus !== 'ACTIVE' && table.TableStatus !== 'UPDATING') {
    table = await waitUntilActive(client, tableName, options.createTable?.activeTimeoutMs ?? DEFAULTS.createTable.activeTimeoutMs);
  }
  return keyTypes(table, partition, sort);
}

/** The table's key types, after checking that the key specs name the table's key attributes. */
function keyTypes(table: TableDescription, partition: KeySpec, sort: KeySpec | undefined): KeyTypes {
  const hash = table.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const range = table.KeySchema?.find((key) => key.KeyType === 'RANGE')?.AttributeName;
  const typeOf = (name: string | undefined): KeyType =>
    (table.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType ?? 'S') as KeyType;
  const describeSchema = `partition key "${hash}"${range ? ` and sort key "${range}"` : ' and no sort key'}`;
  if (hash !== partition.attribute) {
    throw new ConfigError(`Table "${table.TableName}" has ${describeSchema}, but \`partitionKey\` "${partition.spec}" names "${partition.attribute}"`);
  }
  if (range !== sort?.attribute) {
    throw new ConfigError(
      `Table "${table.TableName}" has ${describeSchema}, but \`sortKey\` is ${sort ? `"${sort.spec}", naming "${sort.attribute}"` : 'not set'}`,
    );
  }
  for (const [spec, type] of [[partition, typeOf(hash)], [sort, typeOf(range)]] as const) {
    if (spec && readsTime(spec) && type !== 'S') {
      throw new ConfigError(`Key "${spec.attribute}" is a formatted timestamp (a string), but table "${table.TableName}" declares it ${type}`);
    }
  }
  return { partitionType: typeOf(hash), sortType: range ? typeOf(range) : undefined };
}

async function describe(client: Transport, tableName: string): Promise<TableDescription | undefined> {
  try {
    const output = await client.send('DescribeTable', { TableName: tableName });
    return output.Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function create(
  client: Transport,
  tableName: string,
  settings: NonNullable<ResolvedOptions['createTable']>,
  partition: KeySpec,
  sort: KeySpec | undefined,
  canDescribe: boolean,
): Promise<void> {
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: [{ AttributeName: partition.attribute, KeyType: 'HASH' }, ...(sort ? [{ AttributeName: sort.attribute, KeyType: 'RANGE' as const }] : [])],
    AttributeDefinitions: [
      { AttributeName: partition.attribute, AttributeType: 'S' },
      ...(sort ? [{ AttributeName: sort.attribute, AttributeType: 'S' as const }] : []),
    ],
    BillingMode: settings.billingMode,
    ...(settings.billingMode === 'PROVISIONED'
      ? { ProvisionedThroughput: { ReadCapacityUnits: settings.provisionedThroughput?.read ?? 5, WriteCapacityUnits: settings.provisionedThroughput?.write ?? 5 } }
      : {}),
    ...(settings.sse
      ? { SSESpecification: { Enabled: true, SSEType: 'KMS', ...(typeof settings.sse === 'object' ? { KMSMasterKeyId: settings.sse.kmsKeyId } : {}) } }
      : {}),
  };
  try {
    await client.send('CreateTable', input);
  } catch (error) {
    // Another instance got there first: the table is (being) created, which is all we wanted.
    if (errorName(error) !== 'ResourceInUseException') throw wrap(error, `CreateTable "${tableName}" failed`);
  }
  if (settings.ttlAttribute) {
    if (canDescribe) await waitUntilActive(client, tableName, settings.activeTimeoutMs);
    await enableTtl(client, tableName, settings.ttlAttribute);
  }
}

async function enableTtl(client: Transport, tableName: string, attribute: string): Promise<void> {
  try {
    await client.send('UpdateTimeToLive', { TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } });
  } catch (error) {
    // A concurrent creator enabled it already.
    if (!/already enabled/i.test(String((error as Error)?.message))) throw wrap(error, `Enabling TTL on "${tableName}" failed`);
  }
}

/** Polls DescribeTable until the table is ACTIVE. A table that vanished meanwhile is polled too: creation may still be under way. */
async function waitUntilActive(client: Transport, tableName: string, timeoutMs: number): Promise<TableDescription> {
  return pRetry(
    async () => {
      const table = await describe(client, tableName);
      if (table?.TableStatus === 'ACTIVE') return table;
      if (table?.TableStatus === 'DELETING') throw new AbortError(`Table "${tableName}" is being deleted`);
      throw new SinkError(`Table "${tableName}" is ${table?.TableStatus ?? 'not there yet'}`, { retriable: true });
    },
    { retries: Number.POSITIVE_INFINITY, minTimeout: 50, factor: 1.5, maxTimeout: 1_000, maxRetryTime: timeoutMs },
  ).catch((error: unknown) => {
    throw wrap(error, `Table "${tableName}" did not become ACTIVE within ${timeoutMs} ms`);
  });
}

function errorName(error: unknown): string {
  return (error as Error)?.name ?? '';
}

function wrap(error: unknown, context: string): SinkError {
  if (error instanceof SinkError && error.message.startsWith(context)) return error;
  return new SinkError(`${context}: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

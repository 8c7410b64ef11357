/**
 * Reading a table back over DynamoDB's JSON API with plain `fetch`: the AWS SDK is core's dependency, not this
 * package's. Scans are the test servers' helper; DescribeTable and the seed-style rendering are this service's.
 */
import type { RawItem } from '@dynamo-sink/test-servers';

export { scanTable, type RawItem } from '@dynamo-sink/test-servers';

const HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-date': '20200101T000000Z',
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20200101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
};

/** DescribeTable's `Table`, or undefined when the table does not exist. */
export async function describeTable(endpoint: string, tableName: string): Promise<Record<string, unknown> | undefined> {
  try {
    return ((await call(endpoint, 'DescribeTable', { TableName: tableName })) as { Table: Record<string, unknown> }).Table;
  } catch (error) {
    if (/ResourceNotFound/.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** DescribeTimeToLive's `TimeToLiveDescription`: `{ TimeToLiveStatus, AttributeName }`. */
export async function describeTimeToLive(endpoint: string, tableName: string): Promise<Record<string, unknown> | undefined> {
  return ((await call(endpoint, 'DescribeTimeToLive', { TableName: tableName })) as { TimeToLiveDescription?: Record<string, unknown> }).TimeToLiveDescription;
}

/** An item as `name=value` cells, key attributes first: how the seed's README shows a row. */
export function renderItem(item: RawItem, keys: readonly string[]): string {
  const names = [...keys.filter((key) => key in item), ...Object.keys(item).filter((key) => !keys.includes(key)).sort()];
  return names.map((name) => `${name} (${Object.keys(item[name]!)[0]}) = ${String(Object.values(item[name]!)[0])}`).join(' | ');
}

async function call(endpoint: string, operation: string, body: object): Promise<unknown> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { ...HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { __type?: string; message?: string; Message?: string };
  if (!response.ok) throw new Error(`${operation} failed: ${response.status} ${answer.__type ?? ''} ${answer.message ?? answer.Message ?? ''}`);
  return answer;
}

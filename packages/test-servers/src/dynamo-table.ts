/**
 * Reading a table back from dynalite, for the Kafka adapters' tests (the AWS SDK is not their dependency): a scan is a
 * plain HTTP call to DynamoDB's JSON API (dynalite checks that a signature is present, not that it is right). Items
 * come back as raw AttributeValues: `{ id: { S: 'a' }, n: { N: '12345678901234567890' } }`, numbers as exact strings.
 */
import type { Sink, SinkRecord, WriteResult } from '@dynamo-sink/core';

export type RawItem = Record<string, Record<string, unknown>>;

const HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-date': '20200101T000000Z',
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTESTSERVER/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
};

/** Every item of the table, through as many Scan pages as it takes. */
export async function scanTable(endpoint: string, tableName: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let startKey: unknown;
  do {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...HEADERS, 'x-amz-target': 'DynamoDB_20120810.Scan' },
      body: JSON.stringify({ TableName: tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    });
    const page = (await response.json()) as { Items?: RawItem[]; LastEvaluatedKey?: unknown; message?: string };
    if (!response.ok) throw new Error(`Scan of ${tableName} failed: ${response.status} ${page.message ?? ''}`);
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** A sink that waits `delayMs` before each write: a slow destination, so that a test can act mid-stream. */
export function delayed<V>(sink: Sink<V>, delayMs: number): Sink<V> {
  return {
    async write(records: readonly SinkRecord<V>[]): Promise<WriteResult<V>> {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return sink.write(records);
    },
  };
}

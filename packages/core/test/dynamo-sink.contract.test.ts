// The shared Sink conformance suite, run against DynamoSink on the in-memory FakeDynamoDB and on dynalite.
import { DeleteTableCommand, paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DynamoSink, type Sink, type SinkRecord } from '../src/index.js';
import { FakeDynamoDB } from '../src/testing/fake-dynamodb.js';
import { testSink } from '../src/testing/sink-suite.js';
import { makeClient, startDynalite, type TestServer } from '@dynamo-sink/test-servers';

type Value = Record<string, unknown>;

const NO_BACKOFF = { minTimeout: 0, maxTimeout: 0 } as const;

/** Each `n` gives a distinct key; values of several types, all of which read back as they were. */
const record = (n: number): SinkRecord<Value> => ({
  value: { id: `r-${String(n).padStart(4, '0')}`, n, label: `record ${n}`, ok: n % 2 === 0, tags: ['a', `t${n}`], nested: { half: n / 2 } },
});
/** NaN cannot be stored in DynamoDB: the sink must refuse the record on its own. */
const invalidRecord = (): SinkRecord<Value> => ({ value: { id: 'r-bad', n: Number.NaN } });

describe('DynamoSink on FakeDynamoDB', () => {
  const tableName = 'contract';
  testSink<Value>({
    runner: { describe, it },
    name: 'DynamoSink on FakeDynamoDB',
    create: async () => {
      const fake = new FakeDynamoDB();
      fake.createTableSync(tableName, { partitionKey: 'id' });
      const sink = new DynamoSink({ client: fake, tableName, partitionKey: 'id', retry: NO_BACKOFF });
      return { sink, read: async () => fake.items(tableName) };
    },
    record,
    invalidRecord,
  });
});

describe('DynamoSink on dynalite', () => {
  let server: TestServer;
  let client: DynamoDBClient;
  let tables = 0;

  beforeAll(async () => {
    server = await startDynalite();
    client = makeClient(server.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  /** The table's items; a table not created (yet) holds none. */
  async function scan(tableName: string): Promise<Value[]> {
    const items: Value[] = [];
    try {
      for await (const page of paginateScan({ client }, { TableName: tableName })) items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    return items;
  }

  testSink<Value>({
    runner: { describe, it },
    name: 'DynamoSink on dynalite',
    create: async () => {
      // A new table per test, created by the sink on its first write.
      const tableName = `contract-${process.pid}-${++tables}`;
      const dynamoSink = new DynamoSink<Value>({ client, tableName, partitionKey: 'id', createTable: true, retry: NO_BACKOFF });
      // Delegates to the sink, remembering each write so that cleanup can let stragglers finish before it drops the table.
      const writes = new Set<Promise<unknown>>();
      const sink: Sink<Value> = {
        write: (records) => {
          const writing = dynamoSink.write(records);
          writes.add(writing);
          return writing;
        },
        open: () => dynamoSink.open(),
        close: () => dynamoSink.close(),
      };
      return {
        sink,
        read: () => scan(tableName),
        cleanup: async () => {
          await Promise.allSettled(writes);
          // Tests that never write never create their table.
          await client.send(new DeleteTableCommand({ TableName: tableName })).catch((error: Error) => {
            if (error.name !== 'ResourceNotFoundException') throw error;
          });
        },
      };
    },
    record,
    invalidRecord,
  });
});

// The two handlers of this example, run locally on the sample events against an embedded DynamoDB (dynalite):
//   node --import tsx examples/lambda/index.ts
// Prints what each invocation answers (what Lambda would retry) and what landed in the tables.
import { ScanCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSink } from '@dynamo-sink/core';
import type { KafkaEvent } from '@dynamo-sink/lambda';
import type { SQSEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

const server = dynalite({ createTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`Embedded DynamoDB (dynalite) on ${endpoint}\n`);

// The handlers' code is what gets deployed; locally, the AWS SDK's own settings point it at dynalite.
Object.assign(process.env, {
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'example',
  AWS_SECRET_ACCESS_KEY: 'example',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ORDERS_TABLE: 'orders',
  READINGS_TABLE: 'readings',
});
delete process.env.AWS_SESSION_TOKEN;
delete process.env.DEAD_LETTER_QUEUE_URL; // no dead-letter queue here: a poison Kafka message fails the invocation
const msk = await import('./src/msk-handler.js');
const sqs = await import('./src/sqs-handler.js');

// template.yaml creates the tables; here, sinks with the handlers' key specs create them.
for (const sink of [
  new DynamoSink({ tableName: 'orders', partitionKey: 'order_id=key', createTable: true }),
  new DynamoSink({ tableName: 'readings', partitionKey: 'device', sortKey: 'at|%Y-%m-%dT%H:%M:%S.%f', createTable: true }),
]) {
  await sink.open();
  await sink.close();
}

const client = new DynamoDBClient({});
try {
  await invoke('MSK trigger, events/msk.json: orders, one deleted by a tombstone', async () => msk.handler(await event<KafkaEvent>('msk.json'), lambdaContext()));
  await printTable('orders');
  await invoke('SQS trigger, events/sqs.json: readings, two that cannot be written', async () => sqs.handler(await event<SQSEvent>('sqs.json'), lambdaContext()));
  await printTable('readings');
  await invoke('MSK trigger, events/msk-poison.json: a message that is not JSON, and no DEAD_LETTER_QUEUE_URL', async () =>
    msk.handler(await event<KafkaEvent>('msk-poison.json'), lambdaContext()),
  );
  await printTable('orders');
} finally {
  client.destroy();
  server.closeAllConnections();
  server.close();
}

async function invoke(title: string, run: () => Promise<unknown>): Promise<void> {
  console.log(`== ${title}`);
  try {
    console.log(`response: ${JSON.stringify(await run())}`);
  } catch (error) {
    console.log(`the handler threw (Lambda retries the whole batch): ${(error as Error).name}: ${(error as Error).message}`);
  }
}

async function event<E>(file: string): Promise<E> {
  return JSON.parse(await readFile(new URL(`events/${file}`, import.meta.url), 'utf8')) as E;
}

/** A context as Lambda passes it, with a 30-second timeout (the template's). */
function lambdaContext(): { getRemainingTimeInMillis(): number } {
  const deadline = Date.now() + 30_000;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}

async function printTable(tableName: string): Promise<void> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  const lines = Items.map((item) => {
    const fields = Object.entries(item).map(([name, value]) => `${name}=${String(Object.values(value)[0])}`);
    return `  ${fields.sort().join(' ')}`;
  });
  console.log(`table ${tableName}:\n${lines.sort().join('\n')}\n`);
}

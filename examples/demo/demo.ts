// The demo: an embedded DynamoDB (dynalite), the Python sample's three worked examples, then 100,000 records streamed through.
// Run it with `pnpm demo`; nothing but Node is needed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the demo's business

import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoSink } from '@dynamo-sink/core';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { ProgressBar } from './progress-bar.js';

/** The message from the sample's README. */
const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };

const EXAMPLES = [
  { title: 'Example 1', partitionKey: 'key1', sortKey: 'key3' },
  { title: 'Example 2', partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f' },
  { title: 'Example 2, in Europe/Berlin as the sample rendered it', partitionKey: 'year_month|%Y-%m', sortKey: 'rest_of_ts|%d-%H:%M:%S.%f', timeZone: 'Europe/Berlin' },
  { title: 'Example 3', partitionKey: 'my_date_time|%Y-%m-%dT%H:%M:%S.%f' },
];

const RECORDS = Number(process.env.DEMO_RECORDS ?? 100_000);

async function main(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientConfig = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } };
  const client = new DynamoDBClient(clientConfig);
  console.log(`Embedded DynamoDB (dynalite) on ${endpoint}\n`);
  console.log(`Message: ${JSON.stringify(SEED_MESSAGE)}  (1667844200703123 µs = 2022-11-07 18:03:20.703123 UTC)\n`);

  try {
    for (const [n, example] of EXAMPLES.entries()) {
      const tableName = `seed-example-${n + 1}`;
      const sink = new DynamoSink({ tableName, ...example, clientConfig, createTable: true });
      await sink.write([{ value: SEED_MESSAGE }]);
      await sink.close();
      const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
      console.log(`${example.title}: partitionKey = ${example.partitionKey}, sortKey = ${example.sortKey ?? '(none)'}`);
      console.log(renderTable(Items, [example.partitionKey, example.sortKey]));
    }
    await streamRecords(clientConfig);
  } finally {
    client.destroy();
    server.closeAllConnections();
    server.close();
  }
}

/** Streams generated records through one sink, several writes in flight, and reports throughput. */
async function streamRecords(clientConfig: ConstructorParameters<typeof DynamoDBClient>[0]): Promise<void> {
  const bar = new ProgressBar(RECORDS);
  const sink = new DynamoSink({
    tableName: 'demo-stream',
    partitionKey: 'device',
    sortKey: 'at|%Y-%m-%dT%H:%M:%S.%f',
    clientConfig,
    createTable: true,
    events: { batchWritten: ({ written }) => bar.advance(written) },
  });
  await sink.open();
  console.log(`Streaming ${RECORDS.toLocaleString('en-US')} records into "demo-stream" (partitionKey device, sortKey at|%Y-%m-%dT%H:%M:%S.%f)`);

  const started = performance.now();
  const start = Date.UTC(2022, 10, 7) * 1000;
  const chunk = 1_000;
  const inFlight = new Set<Promise<unknown>>();
  let written = 0;
  let failed = 0;
  for (let from = 0; from < RECORDS; from += chunk) {
    const records = Array.from({ length: Math.min(chunk, RECORDS - from) }, (_, i) => {
      const n = from + i;
      return { value: { timestamp: start + n * 1_000, device: `device-${n % 50}`, reading: n % 997, unit: 'kPa' } };
    });
    const writing = sink.write(records).then((result) => {
      written += result.written;
      failed += result.failed.length;
    });
    inFlight.add(writing);
    void writing.finally(() => inFlight.delete(writing));
    // Keep a few thousand records ahead of the sink, no more: memory stays flat however long the stream.
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await sink.close();
  bar.done();
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${written.toLocaleString('en-US')} written, ${failed} failed in ${seconds.toFixed(1)} s: ${Math.round(written / seconds).toLocaleString('en-US')} records/s`);
}

/** Prints items as the sample's README does: key columns first, marked (PK)/(SK), then every other attribute with its type. */
function renderTable(items: Record<string, AttributeValue>[], specs: (string | undefined)[]): string {
  const [pk, sk] = specs.map((spec) => spec?.split('|')[0]);
  const names = [...new Set(items.flatMap((item) => Object.keys(item)))];
  const others = ['timestamp', ...Object.keys(SEED_MESSAGE)].filter((name, i, all) => all.indexOf(name) === i && name !== pk && name !== sk && names.includes(name));
  const columns = [pk, sk, ...others].filter((name): name is string => name !== undefined);
  const heading = (name: string, item: Record<string, AttributeValue>) =>
    name === pk ? `${name} (PK)` : name === sk ? `${name} (SK)` : `${name} (${Object.keys(item[name] ?? { S: '' })[0]})`;
  const rows = [columns.map((name) => heading(name, items[0]!)), ...items.map((item) => columns.map((name) => cell(item[name])))];
  const widths = columns.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((text, c) => text.padEnd(widths[c]!)).join(' | ').trimEnd()).join('\n') + '\n';
}

function cell(value: AttributeValue | undefined): string {
  if (!value) return '';
  return value.S ?? value.N ?? JSON.stringify(value);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

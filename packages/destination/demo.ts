// The destination service, end to end on this machine: a Kafka-protocol broker (librdkafka's mock cluster, hosted by
// Debian's kcat), an embedded DynamoDB (dynalite), and the service as a child process configured by environment
// variables only. Run it with `pnpm demo:kafka` (needs `apt-get install kcat`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the demo's business

import dynalite from 'dynalite';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startKafkaMock } from '@dynamo-sink/test-servers/kafka';
import { renderItem, scanTable } from './test/support/scan-table.js';

const MAIN = fileURLToPath(new URL('./src/main.ts', import.meta.url));
const SEED_MESSAGE = { timestamp: 1667844200703123, key1: 'value1', key2: 10, key3: 'value3' };
const TOPIC = 'sensor-readings';
const GENERATED = 1_000;

async function main(): Promise<void> {
  const kafka = await startKafkaMock();
  console.log(`Kafka (librdkafka mock cluster in kcat, pid ${kafka.pid}) on ${kafka.bootstrap}`);
  const dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  console.log(`DynamoDB (dynalite, in this process) on ${endpoint}\n`);

  // The seed's Example 2, with a dead-letter topic and metrics on a free port.
  const env = {
    input: TOPIC,
    table_name: 'sensor-readings',
    param_partition_key: 'year_month|%Y-%m',
    param_sort_key: 'rest_of_ts|%d-%H:%M:%S.%f',
    brokers: kafka.bootstrap,
    dynamodb_endpoint: endpoint,
    aws_access_key_id: 'demo',
    aws_secret_access_key: 'demo-secret',
    dead_letter_topic: `${TOPIC}.dead-letter`,
    metrics_port: '0',
  };
  console.log('$ env ' + Object.entries(env).map(([name, value]) => `${name}='${value}'`).join(' ') + ' dynamo-sink-destination\n');
  const service = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const show = (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '  | '));
  };
  service.stdout.on('data', show);
  service.stderr.on('data', show);
  const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));

  try {
    await kafka.produce(TOPIC, [
      { value: JSON.stringify(SEED_MESSAGE) },
      ...Array.from({ length: GENERATED }, (_, i) => ({
        key: `sensor-${i % 8}`,
        value: JSON.stringify({ timestamp: 1667844200703123 + (i + 1) * 1_000_003, sensor: `sensor-${i % 8}`, reading: 20 + (i % 50) / 10 }),
      })),
      { value: '{"timestamp": oops, not JSON}' },
    ]);
    console.log(`\nProduced the seed's message, ${GENERATED.toLocaleString('en')} generated readings and one message that is not JSON to "${TOPIC}".\n`);

    const deadline = Date.now() + 60_000;
    let items = await scanTable(endpoint, env.table_name).catch(() => []);
    while (items.length < GENERATED + 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      items = await scanTable(endpoint, env.table_name).catch(() => []);
    }
    const port = /127\.0\.0\.1:(\d+)\/metrics/.exec(output)?.[1];
    const metrics = port ? await (await fetch(`http://127.0.0.1:${port}/metrics`)).text() : '';
    const deadLetters = Object.values(await kafka.endOffsets(env.dead_letter_topic)).reduce((sum, offset) => sum + Number(offset), 0);

    console.log(`\n${items.length.toLocaleString('en')} items landed in "${env.table_name}"; the seed's message (UTC, the seed's README shows 19:03 Berlin time):`);
    const seed = items.find((item) => item['timestamp']?.['N'] === String(SEED_MESSAGE.timestamp));
    if (seed) console.log(`  ${renderItem(seed, ['year_month', 'rest_of_ts'])}`);
    console.log(`${deadLetters} message in "${env.dead_letter_topic}", with the reason in its headers.`);
    console.log(`\nFrom http://127.0.0.1:${port}/metrics:`);
    for (const line of metrics.split('\n').filter((line) => /^dynamo_sink_(records_\w+|batch_latency_seconds_count|healthy) /.test(line))) console.log(`  ${line}`);
    console.log(`\nStopping the service (SIGTERM to pid ${service.pid}):`);
  } finally {
    if (service.exitCode === null) process.kill(service.pid!, 'SIGTERM');
    const code = await exited;
    console.log(`\nService exited with ${code}.`);
    await kafka.stop();
    dynamo.closeAllConnections();
    await new Promise((resolve) => dynamo.close(resolve));
  }
}

await main();

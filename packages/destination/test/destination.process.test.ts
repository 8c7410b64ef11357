/**
 * The service as its users run it: a child process configured by environment variables only, against a real
 * Kafka-protocol broker (librdkafka's mock cluster, hosted by kcat) and AWS's DynamoDB Local.
 */
import { compileStrftime, toInstant } from '@dynamo-sink/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDBLocal, waitUntil, type DynamoDBLocalServer } from '@dynamo-sink/test-servers';
import { startKafkaMock, type KafkaMock } from '@dynamo-sink/test-servers/kafka';
import { describeTable, describeTimeToLive, scanTable, type RawItem } from './support/scan-table.js';
import { SEED_EXAMPLES, SEED_MESSAGE } from './support/seed-examples.js';
import { metricsPortOf, readMetric, startService, type ServiceProcess } from './support/service-process.js';

const SECRET = 'wJalrXUtnFEMI-never-printed';

let kafka: KafkaMock;
let dynamo: DynamoDBLocalServer;

beforeAll(async () => {
  [kafka, dynamo] = await Promise.all([startKafkaMock(), startDynamoDBLocal()]);
});
afterAll(async () => {
  await Promise.all([kafka?.stop(), dynamo?.close()]);
});

/** The three Kafka clients run the same scenarios. */
const CLIENTS = ['kafkajs', 'node-rdkafka', 'confluent'] as const;

/** The variables every run shares: the client, the broker, DynamoDB Local, dummy credentials. */
function baseEnv(client: string): Record<string, string> {
  return {
    kafka_client: client,
    brokers: kafka.bootstrap,
    dynamodb_endpoint: dynamo.endpoint,
    aws_access_key_id: 'AKIDLOCAL',
    aws_secret_access_key: SECRET,
    region: 'eu-west-1',
    metrics_port: '0',
  };
}

const sum = (offsets: Record<number, string>) => Object.values(offsets).reduce((total, offset) => total + Math.max(0, Number(offset)), 0);

async function stopWith(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | string> {
  await service.kill(signal);
  return service.exited;
}

describe.each(CLIENTS)("the seed's three examples, end to end, with kafka_client=%s", (client) => {
  const examples = SEED_EXAMPLES;

  it('writes each item as the seed shows it (in UTC), dead-letters a message that is not JSON, and stops with 0', async () => {
    // The three run side by side, each with its own topic, table and group.
    const items = await Promise.all(
      examples.map(async (example, n) => {
        const topic = `seed-example-${n + 1}-${client}`;
        await kafka.produce(topic, [{ value: JSON.stringify(SEED_MESSAGE) }, { value: 'this is not JSON' }]);
        const service = startService({ ...baseEnv(client), input: topic, dead_letter_topic: `${topic}.dead-letter`, ...example.env });
        await waitUntil(async () => (await scanTable(dynamo.endpoint, topic).catch(() => [])).length > 0, { intervalMs: 100, timeoutMs: 30_000, what: `${example.name} item` });
        await waitUntil(async () => sum(await kafka.endOffsets(`${topic}.dead-letter`).catch(() => ({}))) === 1, { intervalMs: 100, timeoutMs: 10_000, what: 'the dead letter' });
        const port = metricsPortOf(service)!;
        expect(await readMetric(port, 'dynamo_sink_records_dead_lettered_total')).toBe(1);
        expect(await readMetric(port, 'dynamo_sink_records_written_total')).toBe(1);
        expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('ok\n');
        expect(await stopWith(service, 'SIGTERM')).toBe(0);
        expect(service.stdout() + service.stderr()).not.toContain(SECRET);
        return scanTable(dynamo.endpoint, topic);
      }),
    );
    examples.forEach((example, n) => expect(items[n], example.name).toEqual([example.expected]));

    // The new table was created as the sample did: on demand, encrypted with the AWS managed KMS key.
    const table = await describeTable(dynamo.endpoint, `seed-example-1-${client}`);
    expect((table?.['BillingModeSummary'] as { BillingMode?: string } | undefined)?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it("renders the seed's own tables in Europe/Berlin, the zone its README was made in by accident", () => {
    const instant = toInstant(SEED_MESSAGE.timestamp);
    expect(compileStrftime('%d-%H:%M:%S.%f', 'Europe/Berlin').format(instant)).toBe('07-19:03:20.703123'); // the seed's Example 2
    expect(compileStrftime('%Y-%m-%dT%H:%M:%S.%f', 'Europe/Berlin').format(instant)).toBe('2022-11-07T19:03:20.703123'); // Example 3
    expect(compileStrftime('%d-%H:%M:%S.%f').format(instant)).toBe('07-18:03:20.703123'); // what the service writes
  });
});

describe.each(CLIENTS)('a changelog topic with tombstones, with kafka_client=%s', (client) => {
  /**
   * Device states keyed by device id: every device is put, a third are deleted by a tombstone, half of those put again
   * after it, and every fifth deleted at the very end. Items are named from the message key (`id=key`).
   */
  const DEVICES = 60;
  const messages: { key: string; value: string | null; timestamp: string }[] = [];
  let n = 0;
  // Explicit, increasing Kafka timestamps: with version_field=@timestamp, two messages of a key in the same millisecond
  // would have equal versions, and the second would be stale (equal: the stored item wins). Recent ones: DynamoDB
  // Local deletes items whose TTL attribute has passed.
  const start = Date.now() - 60_000;
  const at = () => String(start + messages.length);
  const put = (device: number) => messages.push({ key: `device-${device}`, value: JSON.stringify({ state: n % 2 === 0 ? 'on' : 'off', n: n++ }), timestamp: at() });
  const tombstone = (device: number) => messages.push({ key: `device-${device}`, value: null, timestamp: at() });
  for (let device = 0; device < DEVICES; device++) put(device);
  for (let device = 0; device < DEVICES; device += 3) tombstone(device);
  for (let device = 0; device < DEVICES; device += 6) put(device);
  for (let device = 0; device < DEVICES; device++) put(device % 7 === 0 ? device : DEVICES + device); // more devices, and updates
  for (let device = 0; device < DEVICES; device += 5) tombstone(device);

  /** The table the stream leaves: the last message of each key wins; with deletes, a tombstone removes the item. */
  function model(deletes: boolean): Map<string, RawItem> {
    const items = new Map<string, RawItem>();
    for (const message of messages) {
      if (message.value !== null) {
        const { state, n: seq } = JSON.parse(message.value) as { state: string; n: number };
        items.set(message.key, { id: { S: message.key }, state: { S: state }, n: { N: String(seq) } });
      } else if (deletes) items.delete(message.key);
    }
    return items;
  }
  const byId = (items: RawItem[]) => new Map(items.map((item) => [item['id']!['S'] as string, item]));
  const tombstones = messages.filter((message) => message.value === null).length;

  it('deletes the items whose last message is a tombstone and keeps those put again; delete_on_tombstone=false dead-letters tombstones; version_field keeps tombstone items', async () => {
    const runs: { name: string; env: Record<string, string>; table: (topic: string) => string; expected: Map<string, RawItem>; deadLettered: number }[] = [
      { name: 'deletes', env: {}, table: (topic) => topic, expected: model(true), deadLettered: 0 },
      { name: 'no-deletes', env: { delete_on_tombstone: 'false' }, table: (topic) => topic, expected: model(false), deadLettered: tombstones },
      {
        // Versions from the Kafka timestamp, tombstone items, a table named from the topic, and TTL on every item.
        name: 'versioned',
        env: { version_field: '@timestamp', delete_mode: 'tombstone', table_name: 'mirror-{topic}', ttl_attribute: 'expires_at', ttl_seconds: '86400' },
        table: (topic) => `mirror-${topic}`,
        expected: model(true),
        deadLettered: 0,
      },
    ];
    // All three run side by side, each with its own topic, table and group.
    const tables = await Promise.all(
      runs.map(async (run) => {
        const topic = `changelog-${run.name}-${client}`;
        await kafka.produce(topic, messages);
        const end = sum(await kafka.endOffsets(topic));
        const service = startService({
          ...baseEnv(client),
          input: topic,
          param_partition_key: 'id=key',
          param_sort_key: '',
          dead_letter_topic: `${topic}.dead-letter`,
          ...run.env,
        });
        await waitUntil(async () => sum(await kafka.committedOffsets(`dynamo-sink-${run.table(topic)}`, topic)) === end, { intervalMs: 100, timeoutMs: 30_000, what: `${run.name}: every offset committed` }).catch(
          (error: Error) => Promise.reject(new Error(`${error.message}\nstdout:\n${service.stdout()}\nstderr:\n${service.stderr()}`)),
        );
        const port = metricsPortOf(service)!;
        expect(await readMetric(port, 'dynamo_sink_records_dead_lettered_total')).toBe(run.deadLettered);
        expect(await readMetric(port, 'dynamo_sink_records_written_total')).toBe(messages.length - run.deadLettered);
        expect(await readMetric(port, 'dynamo_sink_records_stale_total')).toBe(0); // in order: every version is newer
        expect(await stopWith(service, 'SIGTERM')).toBe(0);
        expect(sum(await kafka.endOffsets(`${topic}.dead-letter`).catch(() => ({})))).toBe(run.deadLettered);
        return scanTable(dynamo.endpoint, run.table(topic));
      }),
    );

    const [deleted, kept, versioned] = tables.map(byId);
    expect(deleted).toEqual(runs[0]!.expected);
    expect(kept).toEqual(runs[1]!.expected);
    // The stream exercised both: items gone for good, and items put again after a tombstone.
    expect(deleted!.has('device-0')).toBe(false); // deleted, put again, deleted at the end
    expect(deleted!.has('device-3')).toBe(false); // deleted, never put again
    expect(deleted!.get('device-6')).toEqual(runs[1]!.expected.get('device-6')); // deleted, put again
    expect(kept!.has('device-3')).toBe(true);

    // Versioned: the same items, each with its version and expiry, and a tombstone item where the last message was one.
    const expiresAt = (item: RawItem) => Number(item['expires_at']!['N']);
    const versionSeconds = (item: RawItem) => Number(BigInt(item['version']!['N'] as string) / 1_000_000_000n);
    for (const [id, item] of versioned!) {
      expect(expiresAt(item), id).toBe(versionSeconds(item) + 86_400);
      const { version: _version, expires_at: _expiresAt, ...rest } = item;
      expect(rest, id).toEqual(deleted!.get(id) ?? { id: { S: id }, deleted: { BOOL: true } });
    }
    const tombstoneItems = [...versioned!.values()].filter((item) => item['deleted'] !== undefined).map((item) => item['id']!['S']);
    expect(new Set([...versioned!.keys(), ...deleted!.keys()]).size).toBe(versioned!.size); // every live item is there
    expect(tombstoneItems.length).toBe(versioned!.size - deleted!.size);
    expect(tombstoneItems).toContain('device-3');
    expect(await describeTimeToLive(dynamo.endpoint, `mirror-changelog-versioned-${client}`)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
  });
});

describe('a bad configuration', () => {
  const cases: { name: string; env: Record<string, string>; message: RegExp }[] = [
    { name: 'input missing (set empty)', env: { input: '' }, message: /^input: expected the name of the topic to consume \(required\)$/ },
    { name: 'an unknown client', env: { kafka_client: 'kafka-python' }, message: /^kafka_client: expected one of "kafkajs", "node-rdkafka", "confluent", got "kafka-python"$/ },
    { name: 'max_retry not a number', env: { max_retry: 'five' }, message: /^max_retry: expected a whole number from 0 to 1000, got "five"$/ },
    { name: 'create_table not a boolean', env: { create_table: 'maybe' }, message: /^create_table: expected "true" or "false", got "maybe"$/ },
    { name: 'metrics_port out of range', env: { metrics_port: '70000' }, message: /^metrics_port: expected a whole number from 0 to 65535, got "70000"$/ },
    { name: 'a key spec with two pipes', env: { param_partition_key: 'a|%Y|%m' }, message: /^param_partition_key: invalid key spec "a\|%Y\|%m": it has 2 '\|'/ },
    { name: 'a key spec with an unknown directive', env: { param_sort_key: 'at|%Q' }, message: /^param_sort_key: invalid key spec "at\|%Q": .*%Q/ },
    { name: 'the same attribute twice', env: { param_partition_key: 'id', param_sort_key: 'id' }, message: /^param_sort_key: expected an attribute other than the partition key's "id"/ },
    { name: 'a table name DynamoDB refuses', env: { input: 'ab' }, message: /^table_name \(defaults to input\): expected a DynamoDB table name/ },
    { name: 'a secret without its key id', env: { aws_access_key_id: '' }, message: /^aws_access_key_id: expected to be set as well/ },
    { name: 'brokers without ports', env: { brokers: 'kafka-1,kafka-2' }, message: /^brokers: expected comma-separated host:port pairs/ },
    { name: 'a log format', env: { log_format: 'xml' }, message: /^log_format: expected one of "text", "json", got "xml"$/ },
    { name: 'a key spec with an unknown source', env: { param_partition_key: 'id=message' }, message: /^param_partition_key: invalid key spec "id=message": unknown source "message"/ },
    { name: 'a table_name template with another placeholder', env: { table_name: 'mirror-{topic}-{partition}' }, message: /^table_name: expected a DynamoDB table name: .*"\{topic\}" stands for the topic \(no other placeholder\)/ },
    { name: 'tombstone items without versions', env: { delete_mode: 'tombstone' }, message: /^delete_mode: "tombstone" needs version_field: / },
    { name: 'a write mode', env: { write_mode: 'upsert' }, message: /^write_mode: expected one of "put", "update", got "upsert"$/ },
    { name: 'a TTL attribute without seconds', env: { ttl_attribute: 'expires_at' }, message: /^ttl_seconds: expected to be set as well: give both ttl_attribute and ttl_seconds, or neither$/ },
  ];

  it('exits with 2 and one line on stderr naming the variable, never showing a secret', async () => {
    const runs = await Promise.all(
      cases.map(async ({ name, env }) => {
        const service = startService({ input: 'events', aws_access_key_id: 'AKIDLOCAL', aws_secret_access_key: SECRET, ...env });
        return { name, code: await service.exited, stdout: service.stdout(), stderr: service.stderr() };
      }),
    );
    for (const [n, run] of runs.entries()) {
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      expect({ name: run.name, code: run.code, lines: lines.length, stdout: run.stdout }).toEqual({ name: run.name, code: 2, lines: 1, stdout: '' });
      expect(lines[0]!.replace(/^dynamo-sink-destination: configuration error: /, ''), run.name).toMatch(cases[n]!.message);
      expect(run.stderr).not.toContain(SECRET);
    }
  });
});

describe.each(CLIENTS)('stopping and crashing mid-stream with kafka_client=%s', (client) => {
  const RECORDS = 20_000;
  const messages = Array.from({ length: RECORDS }, (_, i) => ({
    key: `device-${i % 97}`,
    value: JSON.stringify({ id: `record-${String(i).padStart(6, '0')}`, timestamp: 1667844200703123 + i, reading: i * 0.5 }),
  }));
  const streamEnv = (topic: string) => ({ ...baseEnv(client), input: topic, param_partition_key: 'id', param_sort_key: '' });

  /** Waits until the service has written something, so the signal lands mid-stream. */
  async function whenWriting(service: ServiceProcess): Promise<void> {
    await service.waitForLine(/metrics and health listening/);
    const port = metricsPortOf(service)!;
    await waitUntil(async () => ((await readMetric(port, 'dynamo_sink_records_written_total')) ?? 0) >= 1_000, {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: 'the first writes',
    });
  }

  async function expectEveryRecordOnce(table: string): Promise<void> {
    const items = await scanTable(dynamo.endpoint, table);
    const ids = items.map((item: RawItem) => item['id']!['S'] as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(RECORDS);
  }

  it('SIGTERM: finishes and commits what it started, exits 0, and a restart writes the rest', async () => {
    const topic = `stream-sigterm-${client}`;
    await kafka.produce(topic, messages);
    const end = await kafka.endOffsets(topic);

    const first = startService(streamEnv(topic));
    await whenWriting(first);
    expect(await stopWith(first, 'SIGTERM')).toBe(0);
    expect(first.stdout()).toMatch(/ info  stopped written=\d+/);
    const committedAtStop = sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic));
    expect(committedAtStop).toBeGreaterThan(0);
    expect(committedAtStop).toBeLessThan(RECORDS); // it was stopped mid-stream
    // A clean stop commits everything it wrote: the table holds exactly the committed records.
    expect((await scanTable(dynamo.endpoint, topic)).length).toBe(committedAtStop);

    const second = startService(streamEnv(topic));
    await waitUntil(async () => sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic)) === RECORDS, { intervalMs: 100, timeoutMs: 30_000, what: 'every offset committed' });
    expect(await stopWith(second, 'SIGTERM')).toBe(0);
    // The last progress line, written at stop, reads the group's lag from the brokers: nothing left.
    expect(second.stdout()).toMatch(/ info  progress .* lag=0\n(.*\n)*.* info  stopped /);
    expect(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic)).toEqual(end);
    await expectEveryRecordOnce(topic);
  });

  it('SIGKILL: nothing is lost; a restart resumes from the committed offsets', async () => {
    const topic = `stream-sigkill-${client}`;
    await kafka.produce(topic, messages);
    const end = await kafka.endOffsets(topic);

    const first = startService(streamEnv(topic));
    await whenWriting(first);
    expect(await stopWith(first, 'SIGKILL')).toBe('SIGKILL');
    expect(sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic))).toBeLessThan(RECORDS);

    // The group waits out the killed member's session (10 s) before the new one gets the partitions.
    const second = startService(streamEnv(topic));
    await waitUntil(async () => sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic)) === RECORDS, { intervalMs: 100, timeoutMs: 45_000, what: 'every offset committed' });
    expect(await stopWith(second, 'SIGTERM')).toBe(0);
    expect(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic)).toEqual(end);
    await expectEveryRecordOnce(topic);
  });
});

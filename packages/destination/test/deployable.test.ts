/**
 * The service as something to deploy: the workspace built and packed as it would be published, the tarballs installed
 * with npm into a folder outside the workspace (what the image's install stage does), and the installed bin run by
 * plain `node` with environment variables only, against librdkafka's mock cluster (kcat) and dynalite: the seed's
 * three examples end to end, a bad configuration, SIGTERM mid-stream as PID 1, the health probe, the optional client.
 *
 * About 40-60 s: the build (incremental after the first; it shares core's build lock with the packaging test), npm
 * install from a warm cache (~6 s), then the runs. Set DYNAMO_SINK_KEEP_PACKAGING=1 to keep the installed project.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../core/test/packaging/processes.js';
import { startKafkaMock, type KafkaMock } from '@dynamo-sink/test-servers/kafka';
import { startDynalite, waitUntil, type TestServer } from '@dynamo-sink/test-servers';
import { installPackedService, type InstalledService } from './support/packed-service.js';
import { scanTable } from './support/scan-table.js';
import { SEED_EXAMPLES, SEED_MESSAGE } from './support/seed-examples.js';
import { canRunAsPid1, metricsPortOf, readMetric, startService, type ServiceCommand, type ServiceProcess } from './support/service-process.js';

const SECRET = 'wJalrXUtnFEMI-never-printed-either';

let installed: InstalledService | undefined;
let kafka: KafkaMock | undefined;
let dynalite: TestServer | undefined;

beforeAll(async () => {
  [installed, kafka, dynalite] = await Promise.all([installPackedService(), startKafkaMock(), startDynalite()]);
}, 300_000);

afterAll(async () => {
  await Promise.allSettled([kafka?.stop(), dynalite?.close()]);
  if (installed) console.log(`deployable: ${[...installed.timings].map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  if (process.env['DYNAMO_SINK_KEEP_PACKAGING']) console.log(`kept: ${installed?.dir}`);
  else await installed?.remove();
}, 60_000);

const the = () => {
  if (!installed || !kafka || !dynalite) throw new Error('The installed service, the broker or dynalite did not start (see beforeAll)');
  return { installed, kafka, dynalite };
};

/** The installed bin, run by plain node: what the image's CMD runs. */
const bin = (options: Omit<ServiceCommand, 'argv'> = {}): ServiceCommand => ({ argv: [process.execPath, the().installed.bin], cwd: the().installed.dir, ...options });

/** The variables every run shares: the broker, dynalite, dummy credentials, metrics on a free port. */
const baseEnv = (): Record<string, string> => ({
  brokers: the().kafka.bootstrap,
  dynamodb_endpoint: the().dynalite.endpoint,
  aws_access_key_id: 'AKIDLOCAL',
  aws_secret_access_key: SECRET,
  region: 'eu-west-1',
  metrics_port: '0',
});

const sum = (offsets: Record<number, string>) => Object.values(offsets).reduce((total, offset) => total + Math.max(0, Number(offset)), 0);

async function stopWith(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | string> {
  await service.kill(signal);
  return service.exited;
}

/** The image's HEALTHCHECK command, run against a service's port: its exit code and what it printed. */
async function healthcheck(port: number): Promise<{ code: number; output: string }> {
  const probe = join(the().installed.packageDir, 'dist', 'healthcheck.js');
  try {
    const ran = await run(process.execPath, [probe], { env: { PATH: process.env['PATH'] ?? '', metrics_host: '0.0.0.0', metrics_port: String(port) }, timeoutMs: 10_000 });
    return { code: 0, output: ran.stdout.trim() };
  } catch (error) {
    return { code: 1, output: (error as Error).message };
  }
}

describe('the packed bin, installed with npm outside the workspace', () => {
  it('is built JavaScript with a node shebang, linked as dynamo-sink-destination; nothing of the workspace installed', async () => {
    const { installed } = the();
    expect(installed.bin).toBe(join(installed.packageDir, 'dist', 'main.js'));
    expect((await readFile(installed.bin, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
    expect((await stat(installed.bin)).mode & 0o111, 'npm made the bin executable').not.toBe(0);
    const lock = JSON.parse(await readFile(join(installed.dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const names = Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ''));
    expect(names).toEqual(expect.arrayContaining(['@dynamo-sink/destination', 'kafkajs', 'pino', 'prom-client']));
    expect(names.filter((name) => ['tsx', 'typescript', 'vitest', 'node-rdkafka', '@dynamo-sink/node-rdkafka', '@confluentinc/kafka-javascript', '@dynamo-sink/confluent-kafka'].includes(name))).toEqual([]);
  });

  it("writes the seed's three examples as the seed shows them (in UTC), healthy by the image's probe, and stops with 0", async () => {
    const { kafka, dynalite } = the();
    // The three run side by side, each with its own topic, table and group.
    const results = await Promise.all(
      SEED_EXAMPLES.map(async (example, n) => {
        const topic = `packed-seed-${n + 1}`;
        await kafka.produce(topic, [{ value: JSON.stringify(SEED_MESSAGE) }]);
        const service = startService({ ...baseEnv(), input: topic, ...example.env }, bin());
        await waitUntil(async () => (await scanTable(dynalite.endpoint, topic).catch(() => [])).length > 0, { intervalMs: 100, timeoutMs: 30_000, what: `${example.name}'s item` }).catch(
          (error: Error) => Promise.reject(new Error(`${error.message}\nstdout:\n${service.stdout()}\nstderr:\n${service.stderr()}`)),
        );
        const port = metricsPortOf(service)!;
        const written = await readMetric(port, 'dynamo_sink_records_written_total');
        const health = await healthcheck(port);
        const code = await stopWith(service, 'SIGTERM');
        return { items: await scanTable(dynalite.endpoint, topic), written, health, code, output: service.stdout() + service.stderr(), stderr: service.stderr() };
      }),
    );
    results.forEach((result, n) => {
      const example = SEED_EXAMPLES[n]!;
      expect(result.items, example.name).toEqual([example.expected]);
      expect({ written: result.written, health: result.health, code: result.code, stderr: result.stderr }, example.name).toEqual({
        written: 1,
        health: { code: 0, output: 'healthy: ok' },
        code: 0,
        stderr: '',
      });
      expect(result.output).not.toContain(SECRET);
    });
  });

  it('exits 2 on a bad configuration, with one line on stderr naming the variable (through npx, too)', async () => {
    const cases: { env: Record<string, string>; line: string }[] = [
      { env: {}, line: 'input: expected the name of the topic to consume (required)' },
      { env: { input: 'events', max_retry: 'five' }, line: 'max_retry: expected a whole number from 0 to 1000, got "five"' },
      { env: { input: 'events', kafka_client: 'kafka-python' }, line: 'kafka_client: expected one of "kafkajs", "node-rdkafka", "confluent", got "kafka-python"' },
      { env: { input: 'events', aws_secret_access_key: SECRET }, line: 'aws_access_key_id: expected to be set as well: give both aws_access_key_id and aws_secret_access_key, or neither for the SDK default chain' },
    ];
    const runs = await Promise.all(
      cases.map(async ({ env }) => {
        const service = startService(env, bin());
        return { code: await service.exited, stdout: service.stdout(), stderr: service.stderr() };
      }),
    );
    runs.forEach((result, n) => expect(result).toEqual({ code: 2, stdout: '', stderr: `dynamo-sink-destination: configuration error: ${cases[n]!.line}\n` }));

    // `npx dynamo-sink-destination` in the project finds the same bin.
    const npx = await the().installed.run('npx', ['--no-install', 'dynamo-sink-destination'], { env: { input: 'events', max_retry: 'five' }, okCodes: [2] });
    expect(npx.stderr).toContain(`dynamo-sink-destination: configuration error: ${cases[1]!.line}\n`);
  });

  it('SIGTERM mid-stream, to the bin running as PID 1 of its own PID namespace (a container without --init): exits 0, every written record committed', async () => {
    const { kafka, dynalite } = the();
    const asPid1 = canRunAsPid1();
    if (!asPid1) console.warn('unshare --pid is not allowed here: the bin runs as a plain child instead of PID 1');
    const topic = 'packed-sigterm';
    const records = 6_000;
    await kafka.produce(
      topic,
      Array.from({ length: records }, (_, i) => ({ key: `device-${i % 31}`, value: JSON.stringify({ id: `record-${String(i).padStart(5, '0')}`, reading: i / 2 }) })),
    );
    const service = startService({ ...baseEnv(), input: topic, param_partition_key: 'id', param_sort_key: '' }, bin({ asPid1 }));
    await service.waitForLine(/metrics and health listening/);
    const port = metricsPortOf(service)!;
    await waitUntil(async () => ((await readMetric(port, 'dynamo_sink_records_written_total')) ?? 0) >= 500, { intervalMs: 20, timeoutMs: 30_000, what: 'the first writes' });

    expect(await stopWith(service, 'SIGTERM')).toBe(0);
    expect(service.stdout()).toMatch(/ info  SIGTERM: stopping: /);
    expect(service.stdout()).toMatch(/ info  stopped written=\d+/);
    expect(service.stderr()).toBe('');
    // Read back from the broker: the group's commits cover exactly what is in the table (a clean stop commits
    // everything it wrote, and writes nothing it does not commit).
    const committed = sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic));
    expect(committed).toBeGreaterThanOrEqual(500);
    expect(committed).toBeLessThan(records); // it was stopped mid-stream
    expect((await scanTable(dynalite.endpoint, topic)).length).toBe(committed);
    // Stopped: the image's probe now reports it unhealthy.
    expect((await healthcheck(port)).code).toBe(1);
  });

  it('kafka_client=confluent: exits 2 naming what to install, since it is not installed beside the service', async () => {
    const missing = startService({ ...baseEnv(), input: 'packed-confluent', kafka_client: 'confluent' }, bin());
    expect(await missing.exited).toBe(2);
    expect(missing.stdout()).not.toMatch(/ info  progress /);
    expect(missing.stderr()).toMatch(
      /^dynamo-sink-destination: configuration error: kafka_client=confluent needs the packages @dynamo-sink\/confluent-kafka and @confluentinc\/kafka-javascript installed beside this service \(.*\); or use kafka_client=kafkajs\n$/,
    );
  });

  it('kafka_client=node-rdkafka: exits 2 naming what to install while it is missing; installed beside the service, it runs', async () => {
    const { kafka, dynalite } = the();
    const missing = startService({ ...baseEnv(), input: 'packed-rdkafka', kafka_client: 'node-rdkafka' }, bin());
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(
      /^dynamo-sink-destination: configuration error: kafka_client=node-rdkafka needs the packages @dynamo-sink\/node-rdkafka and node-rdkafka installed beside this service \(.*\); or use kafka_client=kafkajs\n$/,
    );

    await the().installed.addClients(['node-rdkafka']);
    const topic = 'packed-rdkafka';
    await kafka.produce(topic, [{ value: JSON.stringify(SEED_MESSAGE) }]);
    const example = SEED_EXAMPLES[0]!;
    const service = startService({ ...baseEnv(), input: topic, kafka_client: 'node-rdkafka', ...example.env }, bin());
    await waitUntil(async () => sum(await kafka.committedOffsets(`dynamo-sink-${topic}`, topic)) === 1, { intervalMs: 100, timeoutMs: 30_000, what: 'the offset committed' }).catch(
      (error: Error) => Promise.reject(new Error(`${error.message}\nstdout:\n${service.stdout()}\nstderr:\n${service.stderr()}`)),
    );
    expect(await stopWith(service, 'SIGTERM')).toBe(0);
    expect(await scanTable(dynalite.endpoint, topic)).toEqual([example.expected]);
  });
});
